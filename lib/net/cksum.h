/* SPDX-License-Identifier: BSD-3-Clause */
/* cksum.h: the Internet checksum (RFC 1071), summed 64 or 32 bits at a time. */
#ifndef LR_NET_CKSUM_H
#define LR_NET_CKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

#if defined(__x86_64__)
/* sum + the 64-bit words of n bytes at p (n = 64, 32 or 16), each carry
 * added back (end-around carry): congruent modulo 2^16 - 1. */
#define CKSUM_ADC_FN(n, body)                                                  \
	static inline uint64_t cksum_adc##n(const uint8_t *p, uint64_t sum)    \
	{                                                                      \
		__asm__(body "adcq $0, %[s]"                                   \
			: [s] "+r"(sum)                                        \
			: [p] "r"(p), "m"(*(const uint8_t(*)[n])p)             \
			: "cc");                                               \
		return sum;                                                    \
	}
#define CKSUM_ADC16 "addq (%[p]), %[s]\n\tadcq 8(%[p]), %[s]\n\t"
#define CKSUM_ADC32 CKSUM_ADC16 "adcq 16(%[p]), %[s]\n\tadcq 24(%[p]), %[s]\n\t"
#define CKSUM_ADC64                                                            \
	CKSUM_ADC32 "adcq 32(%[p]), %[s]\n\tadcq 40(%[p]), %[s]\n\t"             \
		    "adcq 48(%[p]), %[s]\n\tadcq 56(%[p]), %[s]\n\t"
/* The 8 adds of 64 bytes, all with the carry in (a loop's turn). */
#define CKSUM_ADC64C                                                           \
	"adcq (%[p]), %[s]\n\tadcq 8(%[p]), %[s]\n\t"                           \
	"adcq 16(%[p]), %[s]\n\tadcq 24(%[p]), %[s]\n\t"                        \
	"adcq 32(%[p]), %[s]\n\tadcq 40(%[p]), %[s]\n\t"                        \
	"adcq 48(%[p]), %[s]\n\tadcq 56(%[p]), %[s]\n\t"
CKSUM_ADC_FN(16, CKSUM_ADC16)
CKSUM_ADC_FN(32, CKSUM_ADC32)
CKSUM_ADC_FN(64, CKSUM_ADC64)
#endif

/*
 * Ones' complement sum of len bytes added to sum (not folded). RFC 1071
 * §2(B): summing 32-bit words into a 64-bit accumulator and folding at the
 * end equals the 16-bit sum, in a quarter of the additions; the result is
 * in the same (native) byte order as rte_raw_cksum()'s. DPDK 22.11's
 * __rte_raw_cksum adds 16 bits at a time: this is ~4x fewer instructions
 * on the ~200-byte segments of a keep-alive request.
 */
static inline uint64_t
cksum_add(const void *data, size_t len, uint64_t sum)
{
	const uint8_t *p = data;
	uint32_t w[4];

#if defined(__x86_64__)
	/*
	 * 64-bit words with the carries added back (end-around carry): the
	 * sum stays congruent modulo 2^16 - 1 (2^64 = 1 there), which is
	 * all the fold needs, at one add per 8 bytes. A sum that is not 0
	 * never becomes 0 this way, so the fold's 0/0xffff stays as the
	 * 32-bit loop's.
	 */
	while (len >= 64) {
		sum = cksum_adc64(p, sum);
		p += 64;
		len -= 64;
	}
	if (len >= 32) {
		sum = cksum_adc32(p, sum);
		p += 32;
		len -= 32;
	}
	if (sum >> 62) /* leave the 32-bit loop room to add without overflow */
		sum = (sum & 0xffffffffu) + (sum >> 32);
#endif
	while (len >= 16) {
		memcpy(w, p, 16);
		sum += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		memcpy(w, p, 4);
		sum += w[0];
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len)
		sum += *p; /* the odd byte, as the low-order byte on x86 */
	return sum;
}

/* Fold a 64-bit sum to 16 bits (not complemented). */
static inline uint16_t
cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The TCP/UDP checksum over the IPv4 pseudo-header and l4_len bytes at l4
 * (contiguous). Verifying a received segment: 0 when it is correct.
 * Computing one: store the result with the checksum field zeroed. */
static inline uint16_t
cksum_ipv4_l4(const struct rte_ipv4_hdr *ip, const void *l4, uint16_t l4_len)
{
	uint64_t sum = (uint64_t)ip->src_addr + ip->dst_addr +
		       rte_cpu_to_be_16((uint16_t)ip->next_proto_id) +
		       rte_cpu_to_be_16(l4_len);

	return (uint16_t)~cksum_fold(cksum_add(l4, l4_len, sum));
}

/*
 * Receive side (ipv4_input, tcp_input): the same sums in fewer
 * instructions for the sizes a request segment has. The send side keeps
 * cksum_add/cksum_fold above (tcp_frame.c).
 */

/* A 64-bit sum folded to 16 bits (not complemented), the value
 * cksum_fold gives: the 32-bit halves added with the carry back, then
 * the 16-bit halves in one add (the upper half of r + rol(r, 16) is
 * H + L with its end-around carry). */
static inline uint16_t
cksum_fold_rx(uint64_t sum)
{
	uint32_t lo = (uint32_t)sum, r = lo + (uint32_t)(sum >> 32);

	r += r < lo; /* the end-around carry: r stays below 2^32 */
	return (uint16_t)((r + (r << 16 | r >> 16)) >> 16);
}

/*
 * As cksum_add (a sum not folded, congruent modulo 2^16 - 1): 64 bytes a
 * loop turn with the carry chained from turn to turn (lea and dec leave
 * it), then 32, 16 and 8 by the bits of len; the last 0-7 bytes are the
 * top of the run's last 8-byte word shifted down (a run of 8 bytes or
 * more), else gathered into one word: either way each byte lands at a
 * position of its offset's parity (a 16-bit word's place in the sum
 * depends only on that). Every add keeps its carry, so any starting sum
 * is taken.
 */
static inline uint64_t
cksum_add_rx(const void *data, size_t len, uint64_t sum)
{
#if defined(__x86_64__)
	const uint8_t *p = data;
	uint64_t t = 0;

	if (len >= 64) {
		size_t n = len >> 6;

		__asm__("clc\n"
			"1:\n\t" CKSUM_ADC64C
			"leaq 64(%[p]), %[p]\n\t"
			"decq %[n]\n\t"
			"jnz 1b\n\t"
			"adcq $0, %[s]"
			: [s] "+r"(sum), [p] "+r"(p), [n] "+r"(n)
			: "m"(*(const uint8_t(*)[len])data)
			: "cc");
	}
	if (len & 32) {
		sum = cksum_adc32(p, sum);
		p += 32;
	}
	if (len & 16) {
		sum = cksum_adc16(p, sum);
		p += 16;
	}
	if (len & 8) {
		memcpy(&t, p, 8);
		p += 8;
	}
	if (len & 7) {
		uint64_t u = 0;

		if (len >= 8) {
			/* the 8 bytes before the end, the run's own */
			memcpy(&u, p + (len & 7) - 8, 8);
			u >>= 64 - 8 * (len & 7);
		} else {
			/* 4, 2 and 1 bytes at offsets 0, 4 and 6 of one word */
			if (len & 4) {
				uint32_t w;

				memcpy(&w, p, 4);
				u = w;
				p += 4;
			}
			if (len & 2) {
				uint16_t h;

				memcpy(&h, p, 2);
				u += (uint64_t)h << 32;
				p += 2;
			}
			if (len & 1)
				u += (uint64_t)*p << 48; /* the odd byte: low */
		}
		__asm__("addq %[u], %[t]\n\t"
			"adcq $0, %[t]"
			: [t] "+r"(t)
			: [u] "rm"(u)
			: "cc");
	}
	__asm__("addq %[t], %[s]\n\t"
		"adcq $0, %[s]"
		: [s] "+r"(sum)
		: [t] "rm"(t)
		: "cc");
	return sum;
#else
	return cksum_add(data, len, sum);
#endif
}

/* The IPv4 header without options (the 20 bytes at ip) sums to 0xffff:
 * its checksum is right (RFC 791, RFC 1071 §1). */
static inline bool
cksum_ipv4_hdr20_ok(const void *ip)
{
	const uint8_t *b = ip;
	uint64_t w0, w1;
	uint32_t w2;

	memcpy(&w0, b, 8);
	memcpy(&w1, b + 8, 8);
	memcpy(&w2, b + 16, 4);
#if defined(__x86_64__)
	__asm__("addq %[w1], %[s]\n\t"
		"adcq %[w2], %[s]\n\t"
		"adcq $0, %[s]"
		: [s] "+r"(w0)
		: [w1] "rm"(w1), [w2] "rm"((uint64_t)w2)
		: "cc");
	return cksum_fold_rx(w0) == 0xffff;
#else
	return cksum_fold_rx((w0 & 0xffffffffu) + (w0 >> 32) +
			     (w1 & 0xffffffffu) + (w1 >> 32) + w2) == 0xffff;
#endif
}

/* The 16-bit words a and b (below 2^16) in network order, as a sum
 * congruent modulo 2^16 - 1 with theirs as loaded: a byte swap of a
 * 16-bit word is its product by 2^8 modulo 2^16 - 1, so on a
 * little-endian CPU (a + b) << 8 (two instructions, no swaps). Not 0
 * unless both are. */
static inline uint64_t
cksum_be16_sum_rx(uint32_t a, uint32_t b)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return (uint64_t)(a + b) << 8;
#else
	return (uint64_t)a + b;
#endif
}

/* cksum_ipv4_l4 for a received segment: 0 when it is correct. Behind a
 * header without options the addresses of the pseudo-header (RFC 9293
 * §3.1) lie right before l4: one run sums them with it. */
static __rte_always_inline uint16_t
cksum_ipv4_l4_rx(const struct rte_ipv4_hdr *ip, const void *l4,
		 uint16_t l4_len)
{
	uint64_t sum = cksum_be16_sum_rx(ip->next_proto_id, l4_len);
	const void *from = l4;
	size_t len = l4_len;

	if (likely((const uint8_t *)l4 == (const uint8_t *)(ip + 1))) {
		from = &ip->src_addr;
		len += 8;
	} else {
		sum += (uint64_t)ip->src_addr + ip->dst_addr;
	}
	return (uint16_t)~cksum_fold_rx(cksum_add_rx(from, len, sum));
}

/*
 * IPv6 (RFC 8200 §8.1). sum plus the four 64-bit words a, b, c, d (the
 * 32 bytes of a pseudo-header's source and destination addresses, as
 * loaded), each carry added back: congruent modulo 2^16 - 1 with the
 * 16-bit sum of those bytes, as cksum_add. Any sum is taken on x86-64;
 * elsewhere sum must be below 2^62.
 */
static inline uint64_t
cksum_add_addr6(uint64_t sum, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
#if defined(__x86_64__)
	__asm__("addq %[a], %[s]\n\t"
		"adcq %[b], %[s]\n\t"
		"adcq %[c], %[s]\n\t"
		"adcq %[d], %[s]\n\t"
		"adcq $0, %[s]"
		: [s] "+r"(sum)
		: [a] "r"(a), [b] "r"(b), [c] "r"(c), [d] "r"(d)
		: "cc");
	return sum;
#else
	return sum + (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) +
	       (b >> 32) + (c & 0xffffffffu) + (c >> 32) +
	       (d & 0xffffffffu) + (d >> 32);
#endif
}

/* The TCP/UDP checksum of a received IPv6 segment (l4_len contiguous
 * bytes at l4) over the pseudo-header of ip (RFC 8200 §8.1: upper-layer
 * length l4_len, next header nh): 0 when it is correct. With no
 * extension header between them (l4 right behind ip) the addresses lie
 * right before l4: one run sums them with it. */
static __rte_always_inline uint16_t
cksum_ipv6_l4_rx(const struct rte_ipv6_hdr *ip, uint8_t nh, const void *l4,
		 uint16_t l4_len)
{
	/* be32(l4_len) + be32(nh), each 2^16 (= 1) times its be16 */
	uint64_t sum = cksum_be16_sum_rx(l4_len, nh);
	const void *from = l4;
	size_t len = l4_len;

	if (likely((const uint8_t *)l4 == (const uint8_t *)(ip + 1))) {
		from = ip->src_addr;
		len += 32;
	} else {
		sum = cksum_add_rx(ip->src_addr, 32, sum);
	}
	return (uint16_t)~cksum_fold_rx(cksum_add_rx(from, len, sum));
}

#endif

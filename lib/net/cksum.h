/* SPDX-License-Identifier: BSD-3-Clause */
/* cksum.h: the Internet checksum (RFC 1071), summed 64 or 32 bits at a time. */
#ifndef LR_NET_CKSUM_H
#define LR_NET_CKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

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
		__asm__("addq (%[p]), %[s]\n\t"
			"adcq 8(%[p]), %[s]\n\t"
			"adcq 16(%[p]), %[s]\n\t"
			"adcq 24(%[p]), %[s]\n\t"
			"adcq 32(%[p]), %[s]\n\t"
			"adcq 40(%[p]), %[s]\n\t"
			"adcq 48(%[p]), %[s]\n\t"
			"adcq 56(%[p]), %[s]\n\t"
			"adcq $0, %[s]"
			: [s] "+r"(sum)
			: [p] "r"(p), "m"(*(const uint8_t(*)[64])p)
			: "cc");
		p += 64;
		len -= 64;
	}
	if (len >= 32) {
		__asm__("addq (%[p]), %[s]\n\t"
			"adcq 8(%[p]), %[s]\n\t"
			"adcq 16(%[p]), %[s]\n\t"
			"adcq 24(%[p]), %[s]\n\t"
			"adcq $0, %[s]"
			: [s] "+r"(sum)
			: [p] "r"(p), "m"(*(const uint8_t(*)[32])p)
			: "cc");
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

#endif

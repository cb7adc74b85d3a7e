/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_rtt.c: tcp_rtt_update (tcp_priv.h) against RFC 6298 §2
 * written out plainly, over samples, estimates and RTO bounds around
 * the clamps (the LAN case decided by one compare included). */
#include <string.h>

#include "tcp_test.h"
#include "net/tcp_priv.h"

/* RFC 6298 §2.2-2.4 with G = 1 us, then §2.4-2.5's bounds. */
static void
rtt_ref(uint32_t *srtt, uint32_t *rttvar, uint32_t *rto, uint32_t r,
	uint32_t rto_min, uint32_t rto_max)
{
	uint32_t v4, x;

	r = RTE_MAX(r, 1u);
	if (*srtt == 0) {
		*srtt = r;
		*rttvar = r / 2;
	} else {
		uint32_t d = *srtt > r ? *srtt - r : r - *srtt;

		*rttvar = *rttvar - *rttvar / 4 + d / 4;
		*srtt = *srtt - *srtt / 8 + r / 8;
	}
	v4 = 4 * *rttvar;
	x = *srtt + RTE_MAX(v4, 1u);
	x = RTE_MAX(x, rto_min);
	*rto = RTE_MIN(x, rto_max);
}

static void
test_tcp_rtt_update_as_rfc6298(void **state)
{
	static const uint32_t vals[] = { 0, 1, 2, 3, 4, 7, 8, 9, 100, 999,
					 1000, 1001, 4000, 50000, 199999,
					 200000, 200001, 1000000 };
	static const uint32_t bounds[][2] = {
		{ 1000, 100000 }, { 200000, 60000000 }, { 1000, 1000 },
		{ 1, 100000 }, { 200000, 200000 },
	};
	static struct tcp_lcore tl;
	static struct tcp_conn c;
	size_t n = RTE_DIM(vals);

	(void)state;
	for (size_t b = 0; b < RTE_DIM(bounds); b++) {
		tl.rto_min = bounds[b][0];
		tl.rto_max = bounds[b][1];
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				for (size_t k = 0; k < n; k++) {
					uint32_t s = vals[i], v = vals[j], o;

					c.srtt = vals[i];
					c.rttvar = vals[j];
					c.rto = 12345;
					tcp_rtt_update(&tl, &c, vals[k]);
					rtt_ref(&s, &v, &o, vals[k], tl.rto_min,
						tl.rto_max);
					if (c.srtt != s || c.rttvar != v ||
					    c.rto != o)
						fail_msg("srtt %u rttvar %u r %u "
							 "[%u, %u]: %u %u %u, "
							 "want %u %u %u",
							 vals[i], vals[j],
							 vals[k], tl.rto_min,
							 tl.rto_max, c.srtt,
							 c.rttvar, c.rto, s, v,
							 o);
				}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_rtt_update_as_rfc6298),
	};

	return TT_RUN(tests);
}

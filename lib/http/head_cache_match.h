/* SPDX-License-Identifier: BSD-3-Clause */
/* head_cache_match.h: a head looked up in the head cache, instantiated per
 * compare width. */

/*
 * Included by head_cache.c once per way of comparing bytes, with
 *   HTTP_HC_MATCH  the function's name;
 *   HTTP_HC_ATTR   its attributes (the target ISA);
 *   HTTP_HC_EQ(a, b, n)  a[0..n) equals b[0..n), reading nothing else.
 *
 * A head matches an entry when its bytes are the entry's before the
 * Content-Length digits, then 1 to 18 digits (1*DIGIT that cannot
 * overflow int64_t: longer runs go to the parser), then the entry's
 * bytes after its digits. The byte before the digits and the one after
 * them are not digits (OWS, ':' or CR), so the digits found are the
 * whole field value, and the head is the entry's head but for them.
 * Returns the head's length with req filled, or 0.
 */
static HTTP_HC_ATTR int
HTTP_HC_MATCH(struct http_head_cache *c, const char *buf, size_t len,
	      const struct http_limits *lim, struct http_request *req)
{
	for (unsigned int k = 0; k < HTTP_HC_ENTRIES; k++) {
		unsigned int i = (c->mru + k) % HTTP_HC_ENTRIES;
		struct http_hc_entry *e = &c->e[i];
		size_t pre = e->cl, nd = 0, suf;
		uint64_t v = 0;

		/* Room for the entry's bytes, with one digit at least. */
		if (!e->len ||
		    len < (size_t)e->len - e->cl_digits + !!e->cl_digits)
			continue;
		if (!HTTP_HC_EQ(buf, e->bytes, pre))
			continue;
		if (e->cl_digits) {
			while (nd <= HTTP_HC_CL_DIGITS && pre + nd < len) {
				unsigned int d =
					(unsigned int)((uint8_t)buf[pre + nd] -
						       '0');

				if (d > 9)
					break;
				v = v * 10 + d;
				nd++;
			}
			suf = e->len - pre - e->cl_digits;
			if (!nd || nd > HTTP_HC_CL_DIGITS ||
			    len - pre - nd < suf ||
			    !HTTP_HC_EQ(buf + pre + nd,
					e->bytes + pre + e->cl_digits, suf))
				continue;
		}
		if (!http_hc_limits_ok(e, nd, lim))
			return 0;
		http_hc_fill(e, buf, nd, v, req);
		e->ref = 1;
		c->mru = (uint8_t)i;
		c->last = e;
		return (int)(e->len - e->cl_digits + nd);
	}
	return 0;
}

#undef HTTP_HC_MATCH
#undef HTTP_HC_ATTR
#undef HTTP_HC_EQ

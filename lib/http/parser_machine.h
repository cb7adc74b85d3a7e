/* SPDX-License-Identifier: BSD-3-Clause */
/* parser_machine.h: the resumable request head machine, instantiated per scan
 * variant. */

/*
 * Included once per scan variant with these defined:
 *   HTTP_MACHINE       the function's name (parser_priv.h declares it);
 *   HTTP_MACHINE_ATTR  its attributes (a target ISA, or nothing);
 *   HTTP_SCAN(nib, buf, p, len, stop)  the first byte of buf[p..stop)
 *       outside nib's class, or stop (p when p >= stop), exactly
 *       http_scan_tab(nib.tab, ...); it may read anywhere in buf[0..len);
 *   HTTP_LINE(buf, p, len, &colon, &cr)  true when buf[p..) starts with
 *       a whole field line its scans would accept (a name, ':', field
 *       bytes, CR LF), with its colon and CR; false for anything else,
 *       always false being correct. It may read anywhere in buf[0..len);
 *   HTTP_RLINE(buf, p, len, &ts, &vs)  the same for a whole request line
 *       at p (method SP target SP "HTTP/1.1" or "HTTP/1.0" CR LF), with
 *       the first byte of its target and of its version.
 * and optionally
 *   HTTP_HEAD, HTTP_CLASS64, HTTP_CLASS32, HTTP_RL32  to compile beside it the
 *       whole-head sweep (parser_head.h) that http_parse_resume() tries
 *       first when a call starts a head.
 *
 * The head as a resumable scan (struct http_parse_state). Each phase
 * below resumes where the previous call stopped, with the position of
 * the tokens it needs kept as offsets: a head that arrives in pieces is
 * judged byte by byte exactly once, and the checks run in the order and
 * at the byte the one-call parse would run them. Every check looks only
 * at bytes already scanned, in stream order, and needs at most one byte
 * of lookahead (the LF after a CR), which it waits for. That is what
 * makes a prefix of an input answer INCOMPLETE or exactly what the whole
 * input answers. A scan variant only finds the end of a run of one class
 * sooner; the byte it stops at, and so every answer, is the same.
 */

#include <string.h>

#include "http/parser_priv.h"

#ifndef HTTP_MACHINE_ONCE
#define HTTP_MACHINE_ONCE
/* Stop the scan with an error status (the state stays where it failed). */
#define HTTP_STOP(code)                                                        \
	do {                                                                   \
		*status = (code);                                              \
		goto fail;                                                     \
	} while (0)

#endif

#ifdef HTTP_HEAD
#include "http/parser_head.h"
#endif

HTTP_MACHINE_ATTR int
HTTP_MACHINE(struct http_parse_state *st, const char *buf, size_t len,
	     const struct http_limits *lim, struct http_request *req,
	     int *status)
{
	size_t max_rl, max_hb, max_h, p = st->pos, start = p, rend, hend, stop;
	size_t vs, ve;
	/* The state in registers while scanning; stored when stopping. */
	size_t ls = 0, ts = 0, mark = 0, ne = 0, hs = 0, nh = 0;
	uint8_t phase = 0, lead = 0;
	/* Only the call that judges a head from its first byte fills req
	 * and answers (see done:), so this needs no saving. */
	struct http_seen seen = { .cl = -1 };
	uint64_t w;
	int rc;

	max_rl = lim->max_request_line < HTTP_LIMIT_CAP ? lim->max_request_line
							: HTTP_LIMIT_CAP;
	max_hb = lim->max_header_bytes < HTTP_LIMIT_CAP ? lim->max_header_bytes
							: HTTP_LIMIT_CAP;
	max_h = lim->max_headers < HTTP_MAX_HEADERS ? lim->max_headers
						    : HTTP_MAX_HEADERS;
	http_request_reset(req);
	if (p == 0) {
		/* A new head: the common case. */
		goto lead;
	}
	if (p > len) {
		/* Fewer bytes than judged before: not the same head. */
		memset(st, 0, sizeof(*st));
		p = start = 0;
		goto lead;
	}
	ls = st->ls;
	ts = st->ts;
	mark = st->mark;
	ne = st->ne;
	hs = st->hs;
	nh = st->nh;
	phase = st->phase;
	lead = st->lead;
	switch (phase) {
	case HTTP_PS_LEAD:
		goto lead;
	case HTTP_PS_LEAD_LF:
		goto lead_lf;
	case HTTP_PS_METHOD:
		goto method;
	case HTTP_PS_TARGET:
		goto target;
	case HTTP_PS_VERSION:
		goto version;
	case HTTP_PS_RL_LF:
		goto rl_lf;
	case HTTP_PS_LINE:
	case HTTP_PS_NAME:
	case HTTP_PS_VALUE:
	case HTTP_PS_LF:
		hend = hs + max_hb;
		stop = http_min(len, hend);
		if (phase == HTTP_PS_LINE)
			goto line;
		if (phase == HTTP_PS_NAME)
			goto name;
		if (phase == HTTP_PS_VALUE)
			goto value;
		goto lf;
	case HTTP_PS_END_LF:
		goto end_lf;
	default:
		goto done;
	}
lead:
	/* §2.2: a few empty lines before the request line are ignored. */
	while (lead < HTTP_MAX_LEADING_CRLF) {
		if (p == len)
			goto more;
		if (buf[p] != '\r')
			break;
		p++;
		phase = HTTP_PS_LEAD_LF;
	lead_lf:
		if (p == len)
			goto more;
		if (buf[p] != '\n')
			HTTP_STOP(400);
		p++;
		lead++;
		phase = HTTP_PS_LEAD;
	}
	/*
	 * request-line = method SP request-target SP HTTP-version CRLF (§3).
	 * A byte at ls + max_request_line or later that is not the line's
	 * CR means the line is too long (414).
	 */
	ls = p;
	phase = HTTP_PS_METHOD;
	/* A short request line whole in the buffer: checked at once. Every
	 * byte before its CR lies before the limit, so no check below would
	 * have stopped it. */
	if (HTTP_RLINE(buf, p, len, &ts, &mark) && mark + 8 <= ls + max_rl) {
		p = mark + 9;
		goto rl_done;
	}
method:
	rend = ls + max_rl;
	p = HTTP_SCAN(http_nib_tchar, buf, p, len, http_min(len, rend));
	if (p == len)
		goto more;
	if (p >= rend && buf[p] != '\r')
		HTTP_STOP(414);
	/* §3: exactly one SP; leading whitespace is not a method. */
	if (buf[p] != ' ' || p == ls)
		HTTP_STOP(400);
	ts = ++p;
	phase = HTTP_PS_TARGET;
target:
	rend = ls + max_rl;
	p = HTTP_SCAN(http_nib_target, buf, p, len, http_min(len, rend));
	if (p == len)
		goto more;
	if (p >= rend && buf[p] != '\r')
		HTTP_STOP(414);
	if (buf[p] != ' ' || p == ts)
		HTTP_STOP(400);
	mark = ++p;
	phase = HTTP_PS_VERSION;
version:
	/* HTTP-version = "HTTP/" DIGIT "." DIGIT (§2.3), byte by byte so
	 * that junk fails at once rather than at the length limit. The two
	 * versions we speak, whole and within the limit, pass every one of
	 * those checks: one word compare does for them. */
	rend = ls + max_rl;
	if (p == mark && len - p >= 8 && p + 8 <= rend) {
		memcpy(&w, buf + p, 8);
		if (w == http_word8("HTTP/1.1") || w == http_word8("HTTP/1.0"))
			p += 8;
	}
	for (; p < len && p - mark < 8; p++) {
		uint8_t c = (uint8_t)buf[p];
		char want = "HTTP/0.0"[p - mark];

		if (p >= rend && c != '\r')
			HTTP_STOP(414);
		if (want == '0' ? c < '0' || c > '9' : c != (uint8_t)want)
			HTTP_STOP(400);
	}
	if (p == len)
		goto more;
	if (p >= rend && buf[p] != '\r')
		HTTP_STOP(414);
	if (buf[p] != '\r')
		HTTP_STOP(400);
	p++;
	phase = HTTP_PS_RL_LF;
rl_lf:
	if (p == len)
		goto more;
	if (buf[p] != '\n')
		HTTP_STOP(400); /* bare CR, §2.2 */
rl_done:
	p++;
	rc = http_request_line_done(buf, ls, ts, mark, req);
	if (rc)
		HTTP_STOP(rc);
	/*
	 * field-line CRLF ... CRLF (§5). Every byte of a field line,
	 * its CRLF included, lies before hs + max_header_bytes; only the
	 * final blank line may start there.
	 */
	hs = p;
	nh = 0;
	phase = HTTP_PS_LINE;
	hend = hs + max_hb;
	stop = http_min(len, hend);
line:
	if (p == len)
		goto more;
	if (buf[p] == '\r') {
		p++;
		phase = HTTP_PS_END_LF;
		goto end_lf;
	}
	if (p >= hend || nh >= max_h)
		HTTP_STOP(431);
	/* §5.2 obs-fold, §2.2 whitespace after the start line, and
	 * empty names all start with a byte that is not a tchar: the name
	 * ends where it starts, and that byte is not its colon or is. */
	mark = p;
	phase = HTTP_PS_NAME;
	/* A short line whole in the buffer: checked at once. Its bytes all
	 * lie before hend, so no check below would have stopped it. */
	if (HTTP_LINE(buf, p, len, &ne, &ve) && ve + 1 < hend) {
		p = ve + 1;
		goto field;
	}
name:
	p = HTTP_SCAN(http_nib_tchar, buf, p, len, stop);
	if (p == stop) {
		/* p is at most stop = min(len, hend). */
		if (p >= hend)
			HTTP_STOP(431);
		goto more;
	}
	/* §5.1: no whitespace between the name and the colon. */
	if (buf[p] != ':' || p == mark)
		HTTP_STOP(400);
	ne = p++;
	phase = HTTP_PS_VALUE;
value:
	p = HTTP_SCAN(http_nib_field, buf, p, len, stop);
	if (p == stop) {
		if (p >= hend)
			HTTP_STOP(431);
		goto more;
	}
	/* A CTL (NUL, bare LF...) in a value, §5.5. */
	if (buf[p] != '\r')
		HTTP_STOP(400);
	if (p + 1 >= hend)
		HTTP_STOP(431);
	p++;
	phase = HTTP_PS_LF;
lf:
	if (p == len)
		goto more;
	if (buf[p] != '\n')
		HTTP_STOP(400);
field:
	http_field_store(req, nh++, buf, mark, ne, p - 1, &vs, &ve);
	/* The fields that frame the request, for http_semantics(). */
	HTTP_SEEN(&seen, buf, len, mark, ne, vs, ve);
	p++;
	phase = HTTP_PS_LINE;
	goto line;
end_lf:
	if (p == len)
		goto more;
	if (buf[p] != '\n')
		HTTP_STOP(400);
	p++;
	st->scanned += (uint32_t)(p - start);
	st->pos = (uint32_t)p;
	st->phase = HTTP_PS_DONE;
	if (start) {
		/* Earlier calls saw the first fields and req does not hold
		 * them: one more pass, from the start, fills it. */
	done:
		return http_parse_request_st(st, buf, st->pos, lim, req,
					     status);
	}
	req->num_headers = nh;
	rc = http_semantics(req, &seen);
	if (rc) {
		*status = rc;
		return HTTP_PARSE_ERROR;
	}
	return (int)p;
more:
	rc = HTTP_PARSE_INCOMPLETE;
	goto save;
fail:
	rc = HTTP_PARSE_ERROR;
save:
	st->scanned += (uint32_t)(p - start);
	st->pos = (uint32_t)p;
	st->ls = (uint32_t)ls;
	st->ts = (uint32_t)ts;
	st->mark = (uint32_t)mark;
	st->ne = (uint32_t)ne;
	st->hs = (uint32_t)hs;
	st->nh = (uint16_t)nh;
	st->phase = phase;
	st->lead = lead;
	return rc;
}

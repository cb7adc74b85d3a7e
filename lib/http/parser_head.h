/* SPDX-License-Identifier: BSD-3-Clause */
/* parser_head.h: a whole request head judged from one classification sweep,
 * instantiated per vector scan variant. */

/*
 * Included by parser_machine.h, once per vector variant, where these are
 * defined beside the machine's own:
 *   HTTP_HEAD          the function's name (parser_priv.h declares it);
 *   HTTP_MACHINE_ATTR  its attributes (the target ISA);
 *   HTTP_CLASS64(s, &nt, &nf)  bit i of nt (nf) set when s[i] is not a
 *       tchar (not a field byte), for the 64 bytes at s;
 *   HTTP_CLASS32(s, &nt, &nf)  the same for the 32 bytes at s (uint32_t);
 *   HTTP_RL32(s, &ng, &nq)  bit i of ng set when s[i] is not a
 *       request-target byte, of nq when s[i] is '?', for 32 bytes at s.
 *
 * The machine (parser_machine.h) judges a head byte by byte in stream
 * order so that any prefix answers INCOMPLETE or what the whole answers.
 * For a fresh head (st->pos == 0) that is whole in the buffer and
 * well formed, the answer is known once every line is seen to be what
 * the machine's scans would accept: the head is classified 64 bytes at a
 * time into bitmasks (lazily, as far as the lines reach), and the lines
 * are walked by bit scanning: a request line within the first 64 bytes,
 * then field lines (a tchar run, ':', field bytes, CR LF) up to the blank
 * line, each within the limits the machine checks. Anything else (a
 * leading CRLF, a longer request line, a bad byte, a limit reached, the
 * end of the buffer) returns HTTP_HEAD_NO having written neither st nor
 * anything but req, and the machine judges the head from its first
 * byte. So the answers are the machine's on every input; only the cost
 * differs.
 */

#ifndef HTTP_HEAD_ONCE
#define HTTP_HEAD_ONCE
/* The head must end within this many 64-byte words. */
#define HTTP_HEAD_WORDS 16

/* A word beyond the input: every byte out of every class, so a
 * bit scan stops at len at the latest. */
#define HTTP_HEAD_PAST (~(uint64_t)0)
#endif

/* Word k of the head's masks: bit j for byte 64 * k + j, every byte from
 * len on set. */
static inline __attribute__((always_inline)) HTTP_MACHINE_ATTR void
HTTP_CONCAT(HTTP_HEAD, _word)(const char *buf, size_t len, size_t k,
			      uint64_t *nt, uint64_t *nf)
{
	size_t b = k * 64;
	unsigned int d;
	uint64_t t, f;

	if (b + 64 <= len) {
		HTTP_CLASS64(buf + b, nt, nf);
		return;
	}
	if (b >= len) {
		*nt = *nf = HTTP_HEAD_PAST;
		return;
	}
	/* The last 64 bytes of buf (len >= 64 here: word 0 of a shorter
	 * head is done apart), shifted so that bit j is byte b + j. */
	d = (unsigned int)(b + 64 - len);
	HTTP_CLASS64(buf + len - 64, &t, &f);
	*nt = t >> d | HTTP_HEAD_PAST << (64 - d);
	*nf = f >> d | HTTP_HEAD_PAST << (64 - d);
}

/* The first set bit of the masks m (nt or nf) at or after from, filling
 * words as needed, or (size_t)-1 past HTTP_HEAD_WORDS words. */
static inline __attribute__((always_inline)) HTTP_MACHINE_ATTR size_t
HTTP_CONCAT(HTTP_HEAD, _next)(const char *buf, size_t len, size_t from,
			      const uint64_t *m, uint64_t *nt, uint64_t *nf,
			      size_t *filled)
{
	size_t i = from >> 6;
	uint64_t w;

	if (i < *filled) {
		w = m[i] >> (from & 63);
		if (w)
			return from + (size_t)__builtin_ctzll(w);
	}
	/* Rarely: the run goes on into a word not classified yet. */
	for (;;) {
		if (i >= *filled) {
			if (i >= HTTP_HEAD_WORDS)
				return (size_t)-1;
			HTTP_CONCAT(HTTP_HEAD, _word)(buf, len, i, &nt[i],
						      &nf[i]);
			*filled = i + 1;
			w = m[i] >> (from & 63);
		} else {
			w = m[i] >> (from & 63);
		}
		if (w)
			return from + (size_t)__builtin_ctzll(w);
		i++;
		from = i * 64;
	}
}

HTTP_MACHINE_ATTR int
HTTP_HEAD(struct http_parse_state *st, const char *buf, size_t len,
	  const struct http_limits *lim, struct http_request *req, int *status)
{
	uint64_t nt[HTTP_HEAD_WORDS], nf[HTTP_HEAD_WORDS], ng, nq, w;
	uint32_t g32, q32, t32, f32;
	unsigned int d1 = 0;
	char tmp[64];
	const char *w0 = buf, *w1;
	struct http_seen seen = {.cl = -1};
	size_t filled = 0, m, t, p, q, r, hend, stop, nh = 0;
	size_t max_rl = http_min(lim->max_request_line, HTTP_LIMIT_CAP);
	size_t max_hb = http_min(lim->max_header_bytes, HTTP_LIMIT_CAP);
	size_t max_h = http_min(lim->max_headers, HTTP_MAX_HEADERS);
	int rc;

	/* req is written whole below when the answer is ours; when it is
	 * not, the machine resets it. */
	if (len < 16 || buf[0] == '\r')
		return HTTP_HEAD_NO;
	/* request-line = method SP request-target SP HTTP-version CRLF,
	 * whole in the first word and every byte before its CR within
	 * max_request_line (as HTTP_RLINE in parser_machine.h). */
	/* Word 0 as two 32-byte halves, w0 and w1, the second shifted
	 * right by d1 bytes when it had to be read from len - 32 (a head
	 * shorter than a word); shorter than a half, from a copy: nothing
	 * past buf[len) is read. */
	if (len >= 64) {
		w1 = buf + 32;
	} else if (len >= 32) {
		w1 = buf + len - 32;
		d1 = (unsigned int)(64 - len);
	} else {
		memset(tmp, 0, sizeof(tmp));
		memcpy(tmp, buf, len);
		w0 = tmp;
		w1 = tmp + 32;
	}
	HTTP_CLASS32(w0, &t32, &f32);
	nt[0] = t32;
	nf[0] = f32;
	HTTP_CLASS32(w1, &t32, &f32);
	nt[0] |= ((uint64_t)t32 >> d1) << 32;
	nf[0] |= ((uint64_t)f32 >> d1) << 32;
	if (len < 64) {
		nt[0] |= HTTP_HEAD_PAST << len;
		nf[0] |= HTTP_HEAD_PAST << len;
	}
	filled = 1;
	/* No delimiter in the first 64 bytes: a method longer than the
	 * sweep looks at; the machine decides. */
	if (!nt[0])
		return HTTP_HEAD_NO;
	m = (size_t)__builtin_ctzll(nt[0]);
	if (m == 0 || m >= len || buf[m] != ' ')
		return HTTP_HEAD_NO;
	/* The target's class, a half at a time as far as the line goes
	 * (bits from 32 on stand for "not looked at yet"). */
	HTTP_RL32(w0, &g32, &q32);
	ng = (uint64_t)g32 | HTTP_HEAD_PAST << 32;
	nq = q32;
	if (len < 64)
		ng |= HTTP_HEAD_PAST << len;
	ng &= HTTP_HEAD_PAST << m << 1;
	if (!ng)
		return HTTP_HEAD_NO;
	if (__builtin_ctzll(ng) >= 32) {
		HTTP_RL32(w1, &g32, &q32);
		ng = (ng & 0xffffffffu) | ((uint64_t)g32 >> d1) << 32;
		nq |= ((uint64_t)q32 >> d1) << 32;
		if (len < 64)
			ng |= HTTP_HEAD_PAST << len;
		ng &= HTTP_HEAD_PAST << m << 1;
		if (!ng)
			return HTTP_HEAD_NO;
	}
	t = (size_t)__builtin_ctzll(ng);
	/* A byte after the request line, so that a line start is always
	 * within buf (a head that ends there is not whole anyway). */
	if (t == m + 1 || t + 12 > len || buf[t] != ' ' || t + 9 > max_rl)
		return HTTP_HEAD_NO;
	memcpy(&w, buf + t + 1, 8);
	if ((w != http_word8("HTTP/1.1") && w != http_word8("HTTP/1.0")) ||
	    buf[t + 9] != '\r' || buf[t + 10] != '\n')
		return HTTP_HEAD_NO;
	if (buf[m + 1] == '/') {
		/* origin-form (§3.2.1): the path runs to the first '?'. */
		req->method_str = buf;
		req->method_len = m;
		req->target = req->path = buf + m + 1;
		req->target_len = t - m - 1;
		req->minor_version = buf[t + 8] - '0';
		req->method = http_method_of(buf, m);
		nq &= (HTTP_HEAD_PAST << m) & ~(HTTP_HEAD_PAST << t);
		q = nq ? (size_t)__builtin_ctzll(nq) : t;
		req->path_len = q - m - 1;
		req->query = q < t ? buf + q + 1 : NULL;
		req->query_len = q < t ? t - q - 1 : 0;
	} else {
		req->query = NULL;
		req->query_len = 0;
		if (http_request_line_done(buf, 0, m + 1, t + 1, req))
			return HTTP_HEAD_NO;
	}
	/* field-line CRLF ... CRLF (§5), each line as the machine's scans
	 * accept it, its CRLF before hs + max_header_bytes. */
	p = t + 11;
	hend = p + max_hb;
	/* Each field line's LF before hend, and a byte after it in buf. */
	stop = http_min(len - 1, hend);
	for (;;) {
		size_t vs, ve;

		if (buf[p] == '\r') {
			if (p + 1 >= len || buf[p + 1] != '\n')
				return HTTP_HEAD_NO;
			p += 2;
			break;
		}
		/* The machine's p >= hend (431) is implied: this line's
		 * CRLF must lie before hend too. */
		if (nh >= max_h)
			return HTTP_HEAD_NO;
		q = HTTP_CONCAT(HTTP_HEAD, _next)(buf, len, p, nt, nt, nf,
						  &filled);
		if (q == p || q >= len || buf[q] != ':')
			return HTTP_HEAD_NO;
		r = HTTP_CONCAT(HTTP_HEAD, _next)(buf, len, q + 1, nf, nt, nf,
						  &filled);
		/* r is (size_t)-1 when the run leaves the swept words:
		 * compared so that it cannot wrap (stop >= 1). */
		if (r >= stop - 1 || buf[r] != '\r' || buf[r + 1] != '\n')
			return HTTP_HEAD_NO;
		http_field_store(req, nh++, buf, p, q, r, &vs, &ve);
		HTTP_SEEN(&seen, buf, len, p, q, vs, ve);
		p = r + 2;
	}
	/* What the machine does with a complete head judged from its
	 * first byte (parser_machine.h, end_lf:). */
	st->scanned += (uint32_t)p;
	st->pos = (uint32_t)p;
	st->phase = HTTP_PS_DONE;
	req->num_headers = nh;
	if (!seen.rare && seen.hosts == 1 && !seen.host_bad && seen.cls <= 1 &&
	    !seen.cl_bad) {
		/* No Expect, Connection or Transfer-Encoding, one valid
		 * Host, at most one valid Content-Length: what
		 * http_semantics() answers for such a head. */
		req->content_length = seen.cl;
		req->chunked = req->expect_continue = false;
		req->has_host = true;
		req->keep_alive = req->minor_version == 1;
		return (int)p;
	}
	req->content_length = -1;
	req->chunked = req->expect_continue = false;
	rc = http_semantics(req, &seen);
	if (rc) {
		*status = rc;
		return HTTP_PARSE_ERROR;
	}
	return (int)p;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* chunked.c: the chunked request body decoder (RFC 9112 §7.1), resumable. */
#include <string.h>

#include "core/fmt.h"
#include "http/chars.h"
#include "http/parser.h"

enum {
	HTTP_CK_SIZE,	 /* chunk-size = 1*HEXDIG */
	HTTP_CK_BWS,	 /* BWS after the size: only ";" may follow */
	HTTP_CK_EXT,	 /* chunk-ext, skipped up to CR */
	HTTP_CK_SIZE_LF, /* LF ending the size line */
	HTTP_CK_DATA,
	HTTP_CK_DATA_CR, /* CRLF after chunk-data */
	HTTP_CK_DATA_LF,
	HTTP_CK_TRAILER, /* a trailer field line or the final CRLF */
	HTTP_CK_TNAME,
	HTTP_CK_TVALUE,
	HTTP_CK_TLF,	  /* LF ending a trailer field line */
	HTTP_CK_FINAL_LF, /* LF ending the body */
	HTTP_CK_DONE,
	HTTP_CK_FAILED,
};

void
http_chunked_init(struct http_chunked *d, uint64_t max_body)
{
	memset(d, 0, sizeof(*d));
	d->max_body = max_body;
	d->state = HTTP_CK_SIZE;
}

#define HTTP_CK_FAIL(code)                                                     \
	do {                                                                   \
		d->status = (code);                                            \
		d->state = HTTP_CK_FAILED;                                     \
		goto out;                                                      \
	} while (0)

/* Trailer bytes count against one bound (§7.1.2: we discard them). */
#define HTTP_CK_TRAILER_BYTE()                                                 \
	do {                                                                   \
		if (++d->trailer > HTTP_CHUNK_TRAILER_MAX)                     \
			HTTP_CK_FAIL(431);                                     \
	} while (0)

int
http_chunked_decode(struct http_chunked *d, char *dst, const char *raw,
		    size_t raw_len, size_t *out, size_t *used)
{
	size_t i = 0, o = 0, n;
	int h;

	while (i < raw_len && d->state < HTTP_CK_DONE) {
		uint8_t c = (uint8_t)raw[i];

		switch (d->state) {
		case HTTP_CK_SIZE:
			h = fmt_hex_value(c);
			if (h >= 0) {
				/* 16 digits fill 64 bits: no overflow. */
				if (d->digits == 16)
					HTTP_CK_FAIL(400);
				d->digits++;
				d->remaining = d->remaining << 4 | (uint64_t)h;
				break;
			}
			if (!d->digits ||
			    (c != '\r' && c != ';' && c != ' ' && c != '\t'))
				HTTP_CK_FAIL(400);
			if (d->remaining > d->max_body - d->total)
				HTTP_CK_FAIL(413);
			d->line = 0;
			d->state = c == '\r'  ? HTTP_CK_SIZE_LF
				   : c == ';' ? HTTP_CK_EXT
					      : HTTP_CK_BWS;
			break;
		case HTTP_CK_BWS:
			if ((c != ' ' && c != '\t' && c != ';') ||
			    ++d->line > HTTP_CHUNK_EXT_MAX)
				HTTP_CK_FAIL(400);
			if (c == ';')
				d->state = HTTP_CK_EXT;
			break;
		case HTTP_CK_EXT:
			/* Skipped, but bounded and free of CTLs so that
			 * no bare LF can end the line (§7.1.1). */
			if (c == '\r')
				d->state = HTTP_CK_SIZE_LF;
			else if (!http_field_char[c] ||
				 ++d->line > HTTP_CHUNK_EXT_MAX)
				HTTP_CK_FAIL(400);
			break;
		case HTTP_CK_SIZE_LF:
			if (c != '\n')
				HTTP_CK_FAIL(400);
			d->digits = 0;
			d->state =
				d->remaining ? HTTP_CK_DATA : HTTP_CK_TRAILER;
			break;
		case HTTP_CK_DATA:
			n = raw_len - i;
			if (n > d->remaining)
				n = (size_t)d->remaining;
			if (dst + o != raw + i)
				memmove(dst + o, raw + i, n);
			o += n;
			i += n;
			d->remaining -= n;
			d->total += n;
			if (!d->remaining)
				d->state = HTTP_CK_DATA_CR;
			continue;
		case HTTP_CK_DATA_CR:
			if (c != '\r')
				HTTP_CK_FAIL(400);
			d->state = HTTP_CK_DATA_LF;
			break;
		case HTTP_CK_DATA_LF:
			if (c != '\n')
				HTTP_CK_FAIL(400);
			d->state = HTTP_CK_SIZE;
			break;
		case HTTP_CK_TRAILER:
			if (c == '\r') {
				d->state = HTTP_CK_FINAL_LF;
				break;
			}
			if (!http_tchar[c])
				HTTP_CK_FAIL(400);
			HTTP_CK_TRAILER_BYTE();
			d->state = HTTP_CK_TNAME;
			break;
		case HTTP_CK_TNAME:
			if (c != ':' && !http_tchar[c])
				HTTP_CK_FAIL(400);
			HTTP_CK_TRAILER_BYTE();
			if (c == ':')
				d->state = HTTP_CK_TVALUE;
			break;
		case HTTP_CK_TVALUE:
			if (c != '\r' && !http_field_char[c])
				HTTP_CK_FAIL(400);
			HTTP_CK_TRAILER_BYTE();
			if (c == '\r')
				d->state = HTTP_CK_TLF;
			break;
		case HTTP_CK_TLF:
			if (c != '\n')
				HTTP_CK_FAIL(400);
			HTTP_CK_TRAILER_BYTE();
			d->state = HTTP_CK_TRAILER;
			break;
		case HTTP_CK_FINAL_LF:
			if (c != '\n')
				HTTP_CK_FAIL(400);
			d->state = HTTP_CK_DONE;
			break;
		}
		i++;
	}
out:
	*out = o;
	*used = i;
	if (d->state == HTTP_CK_DONE)
		return 0;
	return d->state == HTTP_CK_FAILED ? HTTP_PARSE_ERROR
					  : HTTP_PARSE_INCOMPLETE;
}

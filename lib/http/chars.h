/* SPDX-License-Identifier: BSD-3-Clause */
/* chars.h: byte classes the head parser and the chunked decoder share. */
#ifndef LR_HTTP_CHARS_H
#define LR_HTTP_CHARS_H

#include <stdint.h>

/* RFC 9110 §5.6.2 tchar: methods, field names, trailer names. */
extern const uint8_t http_tchar[256];
/* field-value bytes (RFC 9110 §5.5): VCHAR, SP, HTAB, obs-text. */
extern const uint8_t http_field_char[256];

static inline uint8_t
http_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* tokens.h: the token batch body (docs/API.md §4), made from its offset. */
#ifndef LR_API_TOKENS_H
#define LR_API_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#define TOKENS_MAX_COUNT 1000000u

/* Exact length of the body for count tokens (count >= 1). */
uint64_t tokens_body_len(uint64_t count);

/*
 * The body bytes at off (< tokens_body_len(count)), at most cap of them,
 * into buf. Returns how many (> 0 when cap > 0 and off is in the body).
 * Any range can be made again, in any order: the stream keeps no state.
 */
size_t tokens_produce(uint64_t count, uint64_t off, char *buf, size_t cap);

/*
 * Parse {"count": N}: 0 on success with *count set; -EINVAL with *msg
 * saying which rule failed.
 */
int tokens_parse_count(const char *body, size_t len, uint64_t *count,
		       const char **msg);

#endif

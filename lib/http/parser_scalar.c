/* SPDX-License-Identifier: BSD-3-Clause */
/* parser_scalar.c: the head machine with a table lookup per byte (any CPU). */
#include "http/chars.h"
#include "http/parser_priv.h"

#define HTTP_MACHINE http_machine_scalar
#define HTTP_MACHINE_ATTR
#define HTTP_SCAN(nib, buf, p, len, stop) http_scan_tab((nib).tab, buf, p, stop)
/* No whole-line shortcuts: every line goes through the scans. */
#define HTTP_LINE(buf, p, len, colon, cr) false
#define HTTP_RLINE(buf, p, len, ts, vs) false
#include "http/parser_machine.h"

/* SPDX-License-Identifier: BSD-3-Clause */
/* linerate-ctl.c: control-plane client (placeholder until the ctl issue). */
#include <stdio.h>

int
main(int argc, char **argv)
{
	fprintf(stderr, "linerate-ctl: the control socket is not built yet\n");
	return 2;
}

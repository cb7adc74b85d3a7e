/* SPDX-License-Identifier: BSD-3-Clause */
/* log.c: registers the linerate log type. */
#include "core/log.h"

int log_type_linerate = RTE_LOGTYPE_USER1;

void
log_init(void)
{
	int t = rte_log_register_type_and_pick_level("linerate",
						     RTE_LOG_INFO);

	if (t >= 0)
		log_type_linerate = t;
}

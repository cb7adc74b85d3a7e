/* SPDX-License-Identifier: BSD-3-Clause */
/* version.h: the build's version and git revision (generated at build). */
#ifndef LR_CORE_VERSION_H
#define LR_CORE_VERSION_H

/* Defined in $(BUILD)/gen/version.c, rewritten only when they change so
 * every object agrees on them without rebuilding everything. */
extern const char lr_version[];
extern const char lr_gitrev[];

#define LR_VERSION lr_version
#define LR_GITREV lr_gitrev

#endif

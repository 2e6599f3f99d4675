/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * Entry points for the unit tests only: they let a test stand in for the
 * kernel with a netlink socket of its own. Not part of the library's API.
 */
#ifndef TPPGATE_INTERNAL_H
#define TPPGATE_INTERNAL_H

#include <stdint.h>

#include "libtppgate.h"

/* A handle whose requests go to netlink port @port as family @family. */
int tppgate_connect_peer(struct tppgate_handle **hp, uint16_t family,
			 uint32_t port);
/* Opens the events socket and joins group @grp (none if 0). */
int tppgate_events_open(struct tppgate_handle *h, unsigned int grp);

#endif /* TPPGATE_INTERNAL_H */

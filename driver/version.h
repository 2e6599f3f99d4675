/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_VERSION_H
#define _TPPGATE_VERSION_H

#define TPPGATE_VERSION "0.1.0"

#endif /* _TPPGATE_VERSION_H */

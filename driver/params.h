/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_PARAMS_H
#define _TPPGATE_PARAMS_H

#include <linux/moduleparam.h>
#include <linux/types.h>
#include <linux/tppgate.h>

/**
 * struct tppgate_param_choice - a parameter that takes one of a few words
 * @names: the words, indexed by value
 * @n: how many
 * @value: where the chosen index goes
 */
struct tppgate_param_choice {
	const char * const *names;
	unsigned int n;
	unsigned int *value;
};

extern const struct kernel_param_ops tppgate_param_choice_ops;

enum tppgate_boot_mode tppgate_params_boot_mode(void);
bool tppgate_params_gate_boot_vga(void);
bool tppgate_params_manual(void);

#endif /* _TPPGATE_PARAMS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test: proves that the selftest pipeline reaches the VM and that the
 * module under test is there. Real tests live beside it.
 */
#include <sys/stat.h>
#include <unistd.h>

#include <linux/tppgate.h>

#include "kselftest_harness.h"

TEST(module_loaded)
{
	struct stat st;

	ASSERT_EQ(0, stat("/sys/module/tppgate", &st)) {
		TH_LOG("tppgate.ko is not loaded");
	}
	ASSERT_TRUE(S_ISDIR(st.st_mode));
}

TEST(quarantine_driver_registered)
{
	ASSERT_EQ(0, access("/sys/bus/pci/drivers/" TPPGATE_DRIVER_NAME, F_OK)) {
		TH_LOG("no PCI driver named %s", TPPGATE_DRIVER_NAME);
	}
}

TEST_HARNESS_MAIN

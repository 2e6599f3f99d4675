/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_POLICY_H
#define _TPPGATE_POLICY_H

#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/tppgate.h>

struct netlink_ext_ack;
struct nlattr;
struct pci_dev;

/**
 * struct tppgate_policy_entry - a catalog entry, as the module keeps it
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @subsystem_vendor: PCI subsystem vendor id, if @subsys
 * @subsystem_device: PCI subsystem device id, if @subsys
 * @subsys: the entry applies only to that subsystem
 * @action: enum tppgate_action
 * @pd: performance density times 100
 * @tpp: TPP of one device
 */
struct tppgate_policy_entry {
	u16 vendor;
	u16 device;
	u16 subsystem_vendor;
	u16 subsystem_device;
	bool subsys;
	u8 action;
	u16 pd;
	u32 tpp;
};

/**
 * struct tppgate_policy - a verified, parsed policy; immutable once published
 * @rcu: frees it after the last lockless reader
 * @serial: strictly increasing across loads
 * @issuer: who issued it
 * @not_before: UTC seconds
 * @not_after: UTC seconds
 * @region: ISO 3166-1 alpha-2
 * @tier: 1..3
 * @has_host: bound to one host
 * @host_kind: enum tppgate_host_kind
 * @host_hash: SHA-256 that identifies the host
 * @has_node_cap: @node_cap applies
 * @node_cap: TPP this host may enable
 * @cluster_id: the cluster, for the daemon
 * @has_cluster_cap: @cluster_cap applies
 * @cluster_cap: TPP of the whole cluster, for the daemon
 * @grant_required: admission needs a grant from the daemon
 * @offline_grace: seconds a lapsed grant is tolerated
 * @offline_cap: TPP kept once offline
 * @revoke_mode: enum tppgate_revoke_mode
 * @revoke_deadline: seconds from over-cap to quarantine
 * @n_classes: how many @classes
 * @classes: extra accelerator class codes
 * @default_action: enum tppgate_action for devices not in the catalog
 * @n_entries: catalog size
 * @entries: the catalog, sorted by (vendor, device, subsystem)
 * @sha256: of the blob
 * @loaded_at: UTC seconds
 * @boot_expiry: when it ends by elapsed time, CLOCK_BOOTTIME
 * @verify_ns: time spent checking the signature
 * @parse_ns: time spent parsing
 * @apply_ns: time spent re-evaluating the devices
 */
struct tppgate_policy {
	struct rcu_head rcu;
	u64 serial;
	char issuer[TPPGATE_ISSUER_MAX + 1];
	u64 not_before;
	u64 not_after;
	char region[3];
	u8 tier;
	bool has_host;
	u32 host_kind;
	u8 host_hash[TPPGATE_SHA256_LEN];
	bool has_node_cap;
	u64 node_cap;
	char cluster_id[TPPGATE_CLUSTER_ID_MAX + 1];
	bool has_cluster_cap;
	u64 cluster_cap;
	bool grant_required;
	u32 offline_grace;
	u64 offline_cap;
	u32 revoke_mode;
	u32 revoke_deadline;
	u32 n_classes;
	u16 classes[TPPGATE_CLASSES_MAX];
	u32 default_action;
	u32 n_entries;
	struct tppgate_policy_entry *entries;
	u8 sha256[TPPGATE_SHA256_LEN];
	time64_t loaded_at;
	ktime_t boot_expiry;
	u64 verify_ns;
	u64 parse_ns;
	u64 apply_ns;
};

struct tppgate_policy *tppgate_policy_parse(const struct nlattr *blob,
					    struct netlink_ext_ack *extack);
void tppgate_policy_free(struct tppgate_policy *p);
void tppgate_policy_free_rcu(struct tppgate_policy *p);
int tppgate_policy_check_time(const struct tppgate_policy *p, time64_t now,
			      struct netlink_ext_ack *extack);
void tppgate_policy_start_clock(struct tppgate_policy *p, time64_t now,
				ktime_t boot_now);
bool tppgate_policy_past_expiry(const struct tppgate_policy *p, time64_t now,
				ktime_t boot_now);
bool tppgate_policy_is_accel(const struct tppgate_policy *p,
			     const struct pci_dev *pdev);
const struct tppgate_policy_entry *
tppgate_policy_lookup(const struct tppgate_policy *p, const struct pci_dev *pdev);

#endif /* _TPPGATE_POLICY_H */

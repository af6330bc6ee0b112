"""The coordinators' pages that look across the network's domains: the audit log and the members'
signing certificates. (Applications and the agreements' approval queue live with their domains.)"""

"""Background jobs: `queue` (ask for one), `runner` (run one), `worker` (`portal worker`), `schedule` (what
runs periodically). Nothing is imported here."""

"""What `portal worker`'s scheduler (RQ's CronScheduler) puts on the queue by itself.

Each entry names a job by its path and when it runs: `every` or `cron` name a setting (seconds, or cron
fields in the worker machine's local time). Add a digest or a report here; the job itself lives in its
domain. Only one scheduler is active at a time among all workers (see `worker`), so a periodic job is
queued once per occasion; it should still be idempotent (it may also run by hand, or be retried).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    job: str
    every: str = ""  # the setting with the interval in seconds
    cron: str = ""  # the setting with the cron fields

    def timing(self, config) -> dict:
        if self.every:
            return {"interval": int(config[self.every])}
        return {"cron": config[self.cron]}


PERIODIC = (
    # The outbox and the agreements are the truth: these hand out again whatever they say is due.
    Periodic("portal.mail.delivery:sweep", every="SWEEP_SECONDS"),
    Periodic("portal.agreements.certification:sweep", every="SWEEP_SECONDS"),
    Periodic("portal.reports.documents:sweep", every="SWEEP_SECONDS"),  # signed report PDFs whose job was lost
    # Webhook deliveries that are new or whose retry is due.
    Periodic("portal.api.delivery:deliver_due", every="SWEEP_SECONDS"),
    # The weekly mails whose day and hour (Riga time) it is; each person's once (also `portal send-digests
    # --frequency weekly`).
    Periodic("portal.home.weekly:send_weekly", every="SWEEP_SECONDS"),
    # Expiry, reminders to sign, review reminders (also `portal daily`).
    Periodic("portal.agreements.schedule:run_daily", cron="DAILY_JOBS_CRON"),
    # Completions whose time for the other side's confirmation is over stop waiting in the bell.
    Periodic("portal.exchanges.confirmations:close_due", cron="DAILY_JOBS_CRON"),
)

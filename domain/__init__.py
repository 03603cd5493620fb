"""Pure data of the engine: the EN 16931 invoice model, the Leitweg-ID, payment terms,
statuses, steps and roles. Imports nothing of ours; everything else imports it."""

from domain.invoice import Invoice
from domain.leitweg import LeitwegId, LeitwegIdError

__all__ = ["Invoice", "LeitwegId", "LeitwegIdError"]

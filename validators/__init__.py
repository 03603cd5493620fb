"""Validation of e-invoices as the KoSIT validator does it, with reports people can act on.

`validate(data)` / `validate_detected(detected)` return a `ValidationReport`; business checks
(`validators.business.check`) are reported separately and never change the verdict.
"""

from validators.engine import active_scenario_set, validate, validate_detected, warm_up
from validators.findings import Finding, Severity
from validators.report import ValidationReport

__all__ = ["Finding", "Severity", "ValidationReport", "active_scenario_set", "validate", "validate_detected", "warm_up"]

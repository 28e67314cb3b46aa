"""The module kit: everything a business module needs that is not its own business.

Row specifications (``rows``), race-safe write helpers (``services``), reads and the audit
timeline (``selectors``, ``history``), generic pages (``views``), the API viewset (``api``),
CSV export and import (``csv_export``, ``csv_import``) and cached lists with one central
invalidation (``caching``). Modules import it; the kernel, ``core``, ``web`` and ``api``
never do (``make lint`` holds this). See docs/modules.md.
"""

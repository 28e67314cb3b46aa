"""Integrations behind small interfaces: e-mail, storage and CDN, DNS, payment gateways, analytics.

Each service is one module here with one public interface; the backend behind it is chosen in
settings. Modules call these interfaces from their own services; nothing here imports a
business module, the kit, or the web and API layers.
"""

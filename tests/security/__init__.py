"""Security regression suite (issue 18, OWASP ASVS 5.0 L2): see docs/security.md."""

"""Shared concepts of the checks, written once (pure functions, no AWS calls):

- `policy`: IAM and resource policy documents: statements, principals, restricting
  conditions, and who a policy lets in (public / cross-account / restricted, with why).
- `netrules`: security-group and network ACL rules (IPv4 and IPv6, ports, protocols).
- `dates`: AWS timestamps and ages; an unreadable date is a value, never a silent PASS.
- `secrets`: secret-like names and literal values (environment variables and the like).
"""

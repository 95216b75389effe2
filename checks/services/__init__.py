"""The checks, one module per AWS service family: check `svc.name` lives in
`checks/services/svc.py` (`lambda_.py` for lambda). See checks/README.md."""

# tests/ldap/local.mk - placeholder until this part lands

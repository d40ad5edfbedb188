# tests/postfix/local.mk - placeholder until this part lands

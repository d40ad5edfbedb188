# contrib/local.mk - placeholder until this part lands

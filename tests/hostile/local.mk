# tests/hostile/local.mk - placeholder

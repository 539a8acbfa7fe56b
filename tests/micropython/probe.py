"""Print what the tests check about the interpreter and where tinyweb was imported from."""

import sys

import tinyweb.adapters.memory

import tinyweb.server

print("implementation", sys.implementation.name)
print("maxsize", sys.maxsize)
print("tinyweb", tinyweb.server.__file__)
print("adapter", tinyweb.adapters.memory.__file__)

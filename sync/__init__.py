"""Outbox pusher, change puller and the central server (docs/sync.md).

`contract.py` is the protocol's shapes, standard library only, shared by both sides;
`client/` is the till's side (an adapter of the services' ports), `server/` the central
server, which imports nothing of the till but the contract and the journal's format.
"""

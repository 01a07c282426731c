"""Outbox pusher, change puller and the central server (see the sync issue).

The till already writes an outbox row in the same transaction as every order, payment
and cancellation (`pos_app.storage`); this package will drain it.
"""

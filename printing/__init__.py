"""Documents (receipts, tickets, closure reports) rendered to ESC/POS or PDF, and the
persistent print queue (see the devices issue)."""

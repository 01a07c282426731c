"""Typed business errors. They carry data, never UI text: each screen words them."""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    """Base of every refusal the business rules can make."""


def euros(cents: int) -> str:
    """`-150` → `-1.50 €`: amounts as the command line's sentences say them."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d} €"


class InvalidAmount(DomainError):
    def __init__(self, text: str) -> None:
        super().__init__(f"not an amount in euros: {text!r}")
        self.text = text


class InvalidQuantity(DomainError):
    def __init__(self, quantity: object) -> None:
        super().__init__(
            f"quantity must be a whole number of at least 1, got {shown(quantity)}")
        self.quantity = quantity


class InvalidVatRate(DomainError):
    def __init__(self, rate: object) -> None:
        super().__init__(f"unknown VAT rate {rate!r} (allowed: 20, 10, 5.5, 2.1)")
        self.rate = rate


class ProductNotSellable(DomainError):
    def __init__(self, product_id: str, reason: str) -> None:
        super().__init__(f"product {product_id} cannot be sold: {reason}")
        self.product_id = product_id
        self.reason = reason


class SlotRequired(DomainError):
    """A dated product is sold in one of its slots (R3)."""

    def __init__(self, product_id: str) -> None:
        super().__init__(f"product {product_id} is sold by slot: choose one")
        self.product_id = product_id


class SlotNotOfProduct(DomainError):
    def __init__(self, product_id: str, slot_id: str) -> None:
        super().__init__(f"slot {slot_id} is not one of product {product_id}")
        self.product_id, self.slot_id = product_id, slot_id


class SlotOver(DomainError):
    """A slot that has ended is not sold (a course under way still is, until its end)."""

    def __init__(self, slot_id: str, ended_at: datetime) -> None:
        super().__init__(f"slot {slot_id} ended at {ended_at.isoformat()}")
        self.slot_id, self.ended_at = slot_id, ended_at


class UnknownSlot(DomainError):
    def __init__(self, slot_id: str) -> None:
        super().__init__(f"unknown slot {slot_id!r}")
        self.slot_id = slot_id


class UnknownPrice(DomainError):
    def __init__(self, product_id: str, price: str) -> None:
        super().__init__(f"product {product_id} has no price {price!r}")
        self.product_id = product_id
        self.price = price


class UnknownBarcode(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no product has the barcode {code!r}")
        self.code = code


class UnknownProduct(DomainError):
    def __init__(self, product_id: str) -> None:
        super().__init__(f"no product with id {product_id!r}")
        self.product_id = product_id


class UnknownCustomer(DomainError):
    def __init__(self, customer_id: str) -> None:
        super().__init__(f"no customer with id {customer_id!r}")
        self.customer_id = customer_id


class UnknownOrder(DomainError):
    def __init__(self, number: str) -> None:
        super().__init__(f"no order numbered {number!r}")
        self.number = number


class UnknownPaymentMethod(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown or inactive payment method {code!r}")
        self.code = code


class EmptyBasket(DomainError):
    def __init__(self) -> None:
        super().__init__("the basket is empty")


class BasketLineNotFound(DomainError):
    def __init__(self, index: int) -> None:
        super().__init__(f"the basket has no line {index}")
        self.index = index


class OrderCancelled(DomainError):
    def __init__(self, number: str) -> None:
        super().__init__(f"order {number} is cancelled")
        self.number = number


class NothingLeftToPay(DomainError):
    def __init__(self, number: str) -> None:
        super().__init__(f"order {number} is already paid in full")
        self.number = number


class NothingOwed(DomainError):
    """Only what an order was paid beyond its worth goes back without a return."""

    def __init__(self, number: str) -> None:
        super().__init__(f"order {number} was not paid beyond its worth: nothing is owed"
                         f" back (a return or a cancellation gives money back)")
        self.number = number


class Overpayment(DomainError):
    """Only a method that gives change (cash) may exceed what is left to pay."""

    def __init__(self, method: str, amount_cents: int, left_cents: int) -> None:
        super().__init__(
            f"{method} payment of {amount_cents} cents exceeds the {left_cents} cents left"
            " and this method gives no change"
        )
        self.method = method
        self.amount_cents = amount_cents
        self.left_cents = left_cents


class PaymentIncomplete(DomainError):
    def __init__(self, left_cents: int) -> None:
        super().__init__(
            f"{left_cents} cents are left to pay; pay them or validate without paying"
        )
        self.left_cents = left_cents


class CustomerNameMissing(DomainError):
    def __init__(self) -> None:
        super().__init__("a customer needs a name")


class CardCodeTaken(DomainError):
    """A membership card is one customer's: a second one cannot be given it."""

    def __init__(self, code: str, holder: str) -> None:
        super().__init__(f"card {code!r} is already {holder!r}'s")
        self.code, self.holder = code, holder


class CancellationReasonMissing(DomainError):
    def __init__(self) -> None:
        super().__init__("a cancellation needs a reason")


class ReasonMissing(DomainError):
    """A return (credit note) or an abandoned sale's refund needs a reason."""

    def __init__(self, action: str) -> None:
        super().__init__(f"{action} needs a reason")
        self.action = action


class ReasonTooLong(DomainError):
    def __init__(self, length: int, maximum: int) -> None:
        super().__init__(f"the reason is {length} characters long: at most {maximum}")
        self.length = length
        self.maximum = maximum


class NotInTheDrawer(DomainError):
    """Cash going out (a refund, a withdrawal) beyond what the drawer holds by the till's
    count: it cannot be handed over, and the Z would show a negative drawer."""

    def __init__(self, asked_cents: int, held_cents: int) -> None:
        super().__init__(f"{euros(asked_cents)} in cash is more than the drawer holds"
                         f" ({euros(held_cents)}): give the rest another way")
        self.asked_cents = asked_cents
        self.held_cents = held_cents


class NoRefundSlip(DomainError):
    def __init__(self, number: str) -> None:
        super().__init__(f"order {number} was not cancelled: a return's slip is asked for"
                         " with --credit-note")
        self.number = number


class UnsoundDocumentRecord(DomainError):
    """A receipt (or slip) is printed from its journal entries only: one missing, or one
    whose content or signature does not check, means the journal was altered, and no
    document is made from it (nor from the editable tables)."""

    def __init__(self, number: str, reason: str) -> None:
        super().__init__(f"the journal entry of {number} {reason}: the journal was altered,"
                         " nothing is printed from it; run `caisse journal verify`")
        self.number = number
        self.reason = reason


class NegativeCount(DomainError):
    def __init__(self) -> None:
        super().__init__("cash count refused: the counted cash cannot be negative")


class NothingReturned(DomainError):
    def __init__(self) -> None:
        super().__init__("a return needs at least one line and a quantity of at least 1")


class SoldAtAnotherTill(DomainError):
    """A return, a cancellation or an excess given back is made at the till that sold:
    its journal holds the sale it corrects, its Z the takings it lowers, and one till
    decides (another till may take a payment)."""

    def __init__(self, number: str, till_name: str) -> None:
        super().__init__(f"order {number} was sold at till {till_name!r}: its returns,"
                         f" cancellation and overpayment are settled there")
        self.number = number
        self.till_name = till_name


class UnknownOrderLine(DomainError):
    def __init__(self, number: str, position: int) -> None:
        super().__init__(f"order {number} has no line {position + 1}")
        self.number = number
        self.position = position


class ReturnExceedsSold(DomainError):
    """A line cannot be taken back more times than it was sold."""

    def __init__(self, number: str, position: int, asked: int, left: int) -> None:
        super().__init__(f"line {position + 1} of order {number}: {asked} returned, but only"
                         f" {left} can still be returned")
        self.number = number
        self.position = position
        self.asked = asked
        self.left = left


class RefundExceedsPaid(DomainError):
    """More money would go back than the customer paid (net of earlier refunds)."""

    def __init__(self, asked_cents: int, refundable_cents: int) -> None:
        super().__init__(f"refunding {euros(asked_cents)} is more than the"
                         f" {euros(refundable_cents)} owed back to the customer")
        self.asked_cents = asked_cents
        self.refundable_cents = refundable_cents


class RefundIncomplete(DomainError):
    """The refunds must give back everything owed: the order's money must add up."""

    def __init__(self, asked_cents: int, owed_cents: int) -> None:
        super().__init__(f"the refunds add up to {euros(asked_cents)} but"
                         f" {euros(owed_cents)} are owed back to the customer")
        self.asked_cents = asked_cents
        self.owed_cents = owed_cents


class NotARefund(DomainError):
    def __init__(self, amount_cents: int) -> None:
        super().__init__(f"a refund is a positive amount, not {euros(amount_cents)}")
        self.amount_cents = amount_cents


class DraftHoldsPayments(DomainError):
    """A sale in progress holds money tendered: it cannot be dropped silently, nor left
    out of a Z."""

    def __init__(self, paid_cents: int) -> None:
        super().__init__(f"the sale in progress holds {euros(paid_cents)} tendered: finish"
                         " it, or give them back and abandon it")
        self.paid_cents = paid_cents


class BasketBelowPayments(DomainError):
    """Payments were taken for a sale in progress: its basket cannot fall below them."""

    def __init__(self, paid_cents: int, total_cents: int) -> None:
        super().__init__(f"{euros(paid_cents)} were already paid: the basket cannot come to"
                         f" {euros(total_cents)}; give the payments back first")
        self.paid_cents = paid_cents
        self.total_cents = total_cents


class DraftPaid(DomainError):
    def __init__(self) -> None:
        super().__init__("the sale in progress is paid in full: validate it")


class PaidBasketNotHeld(DomainError):
    """A basket that already received a payment is not put on hold: the money is in this
    session's drawer for a sale that would then be in no Z (services/held_baskets.py)."""

    def __init__(self, paid_cents: int) -> None:
        super().__init__(f"the basket already received {euros(paid_cents)}: finish the sale,"
                         " or give them back, before putting it on hold")
        self.paid_cents = paid_cents


class UnknownHeldBasket(DomainError):
    """Taken up or deleted meanwhile (another screen of this till)."""

    def __init__(self, held_id: str) -> None:
        super().__init__(f"no basket on hold {held_id!r} at this till")
        self.held_id = held_id


class SaleInProgress(DomainError):
    """A basket on hold is taken up only at a till with no sale in progress."""

    def __init__(self, lines: int) -> None:
        super().__init__(f"a sale is in progress ({lines} line(s)): put it on hold or finish"
                         " it first")
        self.lines = lines


class HeldBasketNameTooLong(DomainError):
    def __init__(self, length: int, maximum: int) -> None:
        super().__init__(f"the name is {length} characters long: at most {maximum}")
        self.length = length
        self.maximum = maximum


class StaffNotLocked(DomainError):
    def __init__(self, login: str) -> None:
        super().__init__(f"{login!r} is not locked: there is nothing to unlock")
        self.login = login


class UnknownStaff(DomainError):
    def __init__(self, login: str) -> None:
        super().__init__(f"no staff member has the identifier {login!r}")
        self.login = login


class SaleChanged(DomainError):
    """The sale in progress was changed elsewhere (another program on this till)."""

    def __init__(self) -> None:
        super().__init__("the sale in progress was changed elsewhere: look at it again"
                         " before validating it")


class PaidBeyondWorth(DomainError):
    def __init__(self, number: str, cents: int) -> None:
        super().__init__(f"order {number} would hold {euros(cents)} more than it is worth")
        self.number = number
        self.cents = cents


class NoDraft(DomainError):
    def __init__(self) -> None:
        super().__init__("no sale is in progress at this till")


class NotAllowed(DomainError):
    def __init__(self, login: str, action: str, needed: str) -> None:
        super().__init__(f"{login} may not {action}: it needs the {needed} role")
        self.login = login
        self.action = action
        self.needed = needed


class AuthenticationFailed(DomainError):
    def __init__(self, login: str) -> None:
        super().__init__(f"wrong identifier or secret for {login!r}")
        self.login = login


class AccountLocked(DomainError):
    def __init__(self, login: str, until: datetime) -> None:
        super().__init__(f"{login!r} is locked after too many wrong secrets, until {until}")
        self.login = login
        self.until = until


class InvalidCashCount(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"cash count refused: {detail}")
        self.detail = detail


class CashReasonMissing(DomainError):
    def __init__(self) -> None:
        super().__init__("a cash movement needs a reason")


class GapReasonMissing(DomainError):
    """A Z whose cash gap is beyond the till's threshold (domain/policy.py) needs a reason,
    kept in the Z."""

    def __init__(self, gap_cents: int, threshold_cents: int) -> None:
        super().__init__(f"a cash gap of {euros(gap_cents)} (more than"
                         f" {euros(threshold_cents)}) needs a reason: --reason")
        self.gap_cents, self.threshold_cents = gap_cents, threshold_cents


class BlindCountMissing(DomainError):
    """Under a blind count the counted cash is never taken to be the expected cash: the
    manager says what the drawer holds."""

    def __init__(self) -> None:
        super().__init__("the till counts blind: give the cash counted (--counted or"
                         " --count); it is never taken to be the expected cash")


class ClosureInProgress(DomainError):
    """R6: a closure was started and not finished; finish it (or abandon it) before
    selling."""

    def __init__(self) -> None:
        super().__init__("a Z closure is in progress: finish it or abandon it first"
                         " (caisse close z | caisse close abandon)")


class NoClosureStarted(DomainError):
    def __init__(self) -> None:
        super().__init__("no closure was started: there is none to abandon")


class ClosureRequired(DomainError):
    def __init__(self, opened_at: datetime) -> None:
        super().__init__(f"the till has been open since {opened_at.isoformat()} without a"
                         f" Z closure: close it before selling")
        self.opened_at = opened_at


class NothingToClose(DomainError):
    def __init__(self) -> None:
        super().__init__("the till is closed: there is nothing to close")


class JournalMismatch(DomainError):
    """The sales recorded and the journal's order chain disagree over a period: a
    closure would certify wrong figures, so it is refused."""

    def __init__(self, sales_cents: int, journal_cents: int) -> None:
        super().__init__(f"the sales ({sales_cents} cents) and the fiscal journal"
                         f" ({journal_cents} cents) disagree: run `caisse journal verify`")
        self.sales_cents = sales_cents
        self.journal_cents = journal_cents


def shown(value: object, limit: int = 40) -> str:
    """`value` as an error message quotes it: its repr, cut short, never raising (an int
    of thousands of digits cannot even be written out)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** limit:
        return f"a number of about {value.bit_length() * 30103 // 100000 + 1} digits"
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= limit else text[:limit - 1] + "…"


class QuantityTooLarge(InvalidQuantity):
    """One line holds at most `maximum` of a product: more is a typing slip."""

    def __init__(self, quantity: int, maximum: int) -> None:
        DomainError.__init__(self, f"quantity {shown(quantity)} is more than {maximum},"
                                   " the most one line may hold")
        self.quantity = quantity
        self.maximum = maximum


class AmountTooLarge(InvalidAmount):
    """Amounts the till takes are bounded: a larger one is a typing slip."""

    def __init__(self, text: str, maximum_cents: int) -> None:
        euros, cents = divmod(maximum_cents, 100)
        DomainError.__init__(self, f"amount too large: {text} (at most {euros}.{cents:02d}"
                                   " euros)")
        self.text = text
        self.maximum_cents = maximum_cents


class StoreMissing(DomainError):
    """No store in the data directory: only `caisse init` makes one."""

    def __init__(self, data_dir: str) -> None:
        super().__init__(f"no store in {data_dir}: run `caisse init`")
        self.data_dir = data_dir


class StoreFileDamaged(DomainError):
    """The store's file is there but holds no readable store: never taken for a new one."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"the store file {path} is damaged ({detail}): restore it from a"
                         " backup, or move it away and run `caisse init` to start a new"
                         " store")
        self.path = path
        self.detail = detail


class StoreOutdated(DomainError):
    """A store that can only be read was made by an older version: it cannot be
    upgraded without writing to it."""

    def __init__(self, path: str) -> None:
        super().__init__(f"the store file {path} was made by an older version of the till"
                         " and can only be read here: upgrade it with a command that writes"
                         " to it, e.g. `caisse init --if-empty`, where it can be written")
        self.path = path


class InvalidPolicy(DomainError):
    """A till rule (domain/policy.py) given a name or a value it cannot take."""

    def __init__(self, name: str, text: str, expected: str) -> None:
        super().__init__(f"the till rule {name!r} cannot be {text!r}: expected {expected}")
        self.name = name
        self.text = text
        self.expected = expected


class InvalidDiscount(DomainError):
    """A discount is an amount (`2,00`) or a whole percentage (`10%`)."""

    def __init__(self, text: str) -> None:
        super().__init__(f"a discount is an amount (2,00) or a whole percentage (10%),"
                         f" got {text!r}")
        self.text = text


class DiscountNegative(DomainError):
    def __init__(self, cents: int) -> None:
        super().__init__(f"a discount cannot be negative ({euros(cents)})")
        self.cents = cents


class DiscountExceeds(DomainError):
    """A discount larger than what it applies to (the line, or the basket)."""

    def __init__(self, cents: int, base_cents: int) -> None:
        super().__init__(f"a discount of {euros(cents)} is more than the"
                         f" {euros(base_cents)} it applies to")
        self.cents = cents
        self.base_cents = base_cents


class DiscountAboveLimit(DomainError):
    """More than the till's rule lets a discount take (policy max_discount_percent)."""

    def __init__(self, cents: int, base_cents: int, max_percent: int) -> None:
        super().__init__(f"a discount of {euros(cents)} on {euros(base_cents)} is more than"
                         f" the {max_percent} % the till allows")
        self.cents = cents
        self.base_cents = base_cents
        self.max_percent = max_percent


class DiscountReasonMissing(DomainError):
    def __init__(self) -> None:
        super().__init__("a discount needs a reason")

"""Bookings: clients and visitors book a service in a free slot; staff run the calendar.

- ``model``: ``Service``, ``Audience``, ``WeeklyRange``, ``AvailabilityException``,
  ``Availability``, ``BookingRules``, ``Booking``, ``BookingStatus``, ``SlotTaken``,
  ``TooLate``.
- ``slots``: pure slot generation (``working_intervals``, ``free_starts``).
- ``ports``: ``BookingRepository`` (``uow.bookings``).
- ``catalogue``: services, staff hours and rules, for admins.
- ``booking``: book, cancel or move by link, staff calendar, reminders.
- ``listing``: staff's programs read bookings (``find_bookings``, paged by cursor;
  ``booking_record``).
"""

from __future__ import annotations

from iclient_core.bookings.booking import (
    CalendarEntry,
    Managed,
    Slot,
    book,
    book_for_client,
    bookings_of_client,
    calendar,
    cancel_by_link,
    count_upcoming,
    get_booking,
    link_of,
    mark_no_show,
    move_by_link,
    open_link,
    send_reminder,
    send_reminders,
    service_slots,
    staff_cancel,
    staff_move,
)
from iclient_core.bookings.catalogue import (
    ServiceInput,
    bookable_services,
    bookable_staff,
    get_availability,
    get_rules,
    get_service,
    list_services,
    save_availability,
    save_rules,
    save_service,
)
from iclient_core.bookings.listing import (
    BookingFilter,
    BookingRecord,
    FoundBookings,
    booking_record,
    find_bookings,
)
from iclient_core.bookings.model import (
    Audience,
    Availability,
    AvailabilityException,
    Booking,
    BookingRules,
    BookingStatus,
    Service,
    SlotTaken,
    TooLate,
    WeeklyRange,
)
from iclient_core.bookings.ports import BookingRepository
from iclient_core.bookings.slots import free_starts, working_intervals

__all__ = [
    "Audience",
    "Availability",
    "AvailabilityException",
    "Booking",
    "BookingFilter",
    "BookingRecord",
    "BookingRepository",
    "BookingRules",
    "BookingStatus",
    "CalendarEntry",
    "FoundBookings",
    "Managed",
    "Service",
    "ServiceInput",
    "Slot",
    "SlotTaken",
    "TooLate",
    "WeeklyRange",
    "book",
    "book_for_client",
    "bookable_services",
    "bookable_staff",
    "booking_record",
    "bookings_of_client",
    "calendar",
    "cancel_by_link",
    "count_upcoming",
    "find_bookings",
    "free_starts",
    "get_availability",
    "get_booking",
    "get_rules",
    "get_service",
    "link_of",
    "list_services",
    "mark_no_show",
    "move_by_link",
    "open_link",
    "save_availability",
    "save_rules",
    "save_service",
    "send_reminder",
    "send_reminders",
    "service_slots",
    "staff_cancel",
    "staff_move",
    "working_intervals",
]

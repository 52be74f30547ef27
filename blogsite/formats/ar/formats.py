"""Arabic date and time formats that Django's own Arabic locale leaves out: without them a date with its time
falls back to the American "N j, Y, P" ("ديسمبر 3, 2026, 8 م"). The other formats are Django's."""

DATETIME_FORMAT = "j F، Y، g:i A"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y، g:i A"

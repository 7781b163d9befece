"""What a buyer types in the local checkout's shipping form (fictional person)."""

BUYER_FORM = {
    "name": "Camille Martin",
    "email": "camille@example.org",
    "phone": "+33 6 12 34 56 78",
    "line1": "12 rue des Lilas",
    "line2": "",
    "postal_code": "69003",
    "city": "Lyon",
    "state": "",
    "country": "FR",
}

"""Following, notifications (site and e-mail), page discussions and contacting authors."""

"""The network's certificate authority and the organizations' signing certificates, as the portal keeps
them (database rows, keys encrypted with a key derived from configuration): services (the CA, issuing),
revocation (revocations and the CRL at /ca.crl), timestamps (the TSA at POST /tsa), signing (the agreements'
time-stamped signatures). The cryptography itself is in `portal.signing`."""

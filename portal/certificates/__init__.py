"""The network's certificate authority and the organizations' signing certificates, as the portal keeps
them (database rows, keys encrypted with a key derived from configuration), the coordinators' page for
them, and the public /verify page. The cryptography itself is in `portal.signing`."""

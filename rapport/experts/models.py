"""Subject-matter experts in the register: areas, availability, the projects they helped."""

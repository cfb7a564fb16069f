# wrong because: the whole (stripped, upper-cased) value must be a policy number; re.search with only an end anchor accepts a value that merely ends in one.
# counterexample: ClaimFields.model_validate({**good, "policy_number": "policy NV-MOT-1234567"}) must raise ValidationError; this accepts "POLICY NV-MOT-1234567".
CLAIM_TYPES = ("motor", "household", "liability", "travel")


class ClaimFields(BaseModel):
    policy_number: str
    claimant_name: str
    incident_date: date
    claim_type: str
    amount_eur: float | None = None
    iban: str | None = None
    email: str | None = None
    phone: str | None = None

    @field_validator("policy_number")
    @classmethod
    def _policy(cls, value):
        value = value.strip().upper()
        if not re.search(r"NV-(MOT|HH|LIA|TRV)-\d{7}$", value):
            raise ValueError(f"not a policy number: {value!r}")
        return value

    @field_validator("claimant_name")
    @classmethod
    def _name(cls, value):
        value = value.strip()
        if not value:
            raise ValueError("empty name")
        return value

    @field_validator("incident_date")
    @classmethod
    def _date(cls, value):
        if value > date.today():
            raise ValueError("in the future")
        return value

    @field_validator("claim_type")
    @classmethod
    def _type(cls, value):
        value = value.lower()
        if value not in CLAIM_TYPES:
            raise ValueError("unknown claim type")
        return value

    @field_validator("amount_eur")
    @classmethod
    def _amount(cls, value):
        if value is not None and value < 0:
            raise ValueError("negative amount")
        return value

    @field_validator("iban")
    @classmethod
    def _iban(cls, value):
        if value is None:
            return None
        value = value.replace(" ", "").upper()
        if not pii.iban_valid(value):
            raise ValueError("invalid IBAN")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value):
        if value is None:
            return None
        if value.count("@") != 1 or "." not in value.split("@")[1]:
            raise ValueError("invalid e-mail")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value):
        if value is None:
            return None
        if sum(ch.isdigit() for ch in value) < 7:
            raise ValueError("too few digits")
        return value

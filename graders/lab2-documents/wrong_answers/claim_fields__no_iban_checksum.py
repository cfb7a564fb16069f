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
        if not re.fullmatch(r"NV-(MOT|HH|LIA|TRV)-\d{7}", value):
            raise ValueError(f"{value!r} is not a policy number like NV-MOT-1234567")
        return value

    @field_validator("claimant_name")
    @classmethod
    def _name(cls, value):
        if not value.strip():
            raise ValueError("the claimant's name is empty")
        return value.strip()

    @field_validator("incident_date")
    @classmethod
    def _not_future(cls, value):
        if value > date.today():
            raise ValueError("in the future")
        return value

    @field_validator("claim_type")
    @classmethod
    def _type(cls, value):
        value = value.strip().lower()
        if value not in CLAIM_TYPES:
            raise ValueError("unknown claim type")
        return value

    @field_validator("amount_eur")
    @classmethod
    def _amount(cls, value):
        if value is not None and value < 0:
            raise ValueError("negative")
        return value

    @field_validator("iban")
    @classmethod
    def _iban(cls, value):
        if value is None:
            return None
        value = re.sub(r"\s", "", value).upper()
        if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", value):
            raise ValueError("not an IBAN")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value):
        if value is not None and (value.count("@") != 1 or "." not in value.split("@")[1]):
            raise ValueError("not an e-mail address")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value):
        if value is not None and len(re.sub(r"\D", "", value)) < 7:
            raise ValueError("too short")
        return value

"""Policy wordings: the contract text a customer receives for motor, household, liability and travel cover.

A wording has numbered sections (definitions, cover, limits and excess, exclusions, duties after a loss,
settlement, premium and cancellation, complaints). The figures that differ between products — excess, limits,
deadlines — are the facts the gold questions ask about.
"""

from __future__ import annotations

import random

from shiplab.samplegen.docmodel import Bullets, Doc, Fact, Values, one

LINES = {"motor": "Motor", "household": "Household", "liability": "Personal Liability", "travel": "Travel"}
TIERS = ("Basic", "Comfort")

DEFINITIONS = {
    "motor": [
        "Vehicle: the motor vehicle named in the schedule, including its standard equipment and fitted accessories.",
        "Accident: a sudden, external and violent event acting on the vehicle with mechanical force.",
        "Total loss: the vehicle is stolen and not recovered within one month, or repair costs exceed the "
        "threshold in section 6.",
        "Replacement value: the price you would pay a dealer for a vehicle of the same make, model, age and mileage "
        "on the day of the loss.",
        "No-claims bonus: the discount class that reflects the years you have driven without a claim we paid.",
        "Named driver: a person listed in the schedule who may drive the vehicle with your permission.",
    ],
    "household": [
        "Home contents: all movable items in your home that belong to you or to members of your household.",
        "Valuables: jewellery, watches, furs, cash, securities and collections of stamps or coins.",
        "Storm: wind of at least force 8 on the Beaufort scale at the place of the insured home.",
        "Mains water: water escaping from pipes, heating systems, water beds or connected appliances.",
        "New-for-old: we pay what it costs to buy an item of the same kind and quality, without deduction for age.",
        "Insured location: the address in the schedule, including cellar rooms and garages on the same plot.",
    ],
    "liability": [
        "Third party: any person other than you, your spouse or partner, and children living in your household.",
        "Bodily injury: death, injury or illness of a person, including the financial loss that follows from it.",
        "Property damage: loss of or damage to tangible property belonging to a third party.",
        "Claim: a written demand for compensation made against you by a third party.",
        "Private life: your activities as a private person, not in a profession, trade or public office.",
        "Series loss: several losses with the same cause, treated as one insured event.",
    ],
    "travel": [
        "Trip: a journey outside your country of residence, starting and ending at your home address.",
        "Medical emergency: an acute illness or injury that needs treatment before you return home.",
        "Repatriation: bringing you home when it is medically necessary and the treating doctor agrees.",
        "Baggage: personal belongings you take on the trip or buy during it.",
        "Assistance partner: the 24-hour emergency service that acts on our behalf during your trip.",
        "Travel companion: a person who booked the same trip together with you.",
    ],
}

COVER = {
    "motor": ("We cover damage to and loss of the vehicle caused by fire, explosion, theft, storm, hail, lightning, "
              "flood, collision with animals and breakage of glass. {comfort} Liability towards third parties is "
              "covered under the compulsory motor third-party liability section of your policy.",
              "The Comfort tier adds accidental damage caused by you or a named driver, damage caused by vandalism, "
              "and a courtesy car while your vehicle is being repaired in a partner garage."),
    "household": ("We cover your home contents against fire, lightning, explosion, burglary, robbery, vandalism after "
                  "a break-in, mains water, storm and hail. {comfort} Contents temporarily away from home are covered "
                  "worldwide for up to three months.",
                  "The Comfort tier adds overvoltage damage from lightning, theft of bicycles from a locked room, and "
                  "the costs of changing locks after keys were stolen."),
    "liability": ("We cover the legal liability you incur in your private life for bodily injury and property damage "
                  "to third parties. {comfort} We examine whether you are liable, pay justified claims and defend "
                  "you against unjustified ones, including court costs.",
                  "The Comfort tier adds damage to rented holiday homes, loss of keys belonging to your employer, "
                  "and liability as the keeper of a dog."),
    "travel": ("We cover emergency medical treatment abroad, repatriation, trip cancellation and curtailment, and "
               "loss of or damage to baggage. {comfort} The assistance partner can be reached day and night and "
               "arranges hospital admission, payment guarantees and transport.",
               "The Comfort tier adds cover for delayed baggage, missed connections and a replacement travel "
               "companion if yours has to cancel."),
}

EXCLUSIONS = {
    "motor": ["racing events and timed driving, including practice on closed tracks",
              "damage caused while the driver was under the influence of alcohol or drugs",
              "wear and tear, mechanical or electrical breakdown and damage to tyres alone",
              "loss while the vehicle was used for paid passenger transport",
              "confiscation of the vehicle by a public authority"],
    "household": ["flood and storm surge unless the schedule shows the natural hazards extension",
                  "damage caused by damp, fungus or rot that built up gradually",
                  "theft from an unlocked home or an open window on the ground floor",
                  "items used for a business or profession",
                  "damage caused by war, civil unrest or nuclear energy"],
    "liability": ["liability you accepted by contract beyond the legal liability",
                  "damage to property you rented, leased or borrowed, unless covered in section 2",
                  "liability arising from owning or driving a motor vehicle",
                  "fines, penalties and punitive damages",
                  "damage caused deliberately"],
    "travel": ["trips booked against medical advice or to obtain treatment abroad",
               "pre-existing conditions treated in the six months before departure",
               "dangerous sports such as free climbing, skydiving and motor racing",
               "travel to regions for which an official travel warning applied at booking",
               "losses covered by another insurance or by the tour operator"],
}


def _limits(v: Values, line: str, name: str) -> tuple[list[str], list[Fact]]:
    """The section with the product's figures; each figure is a fact."""
    excess = v.eur(100, 1000, 25)
    if line == "motor":
        cap, special = v.eur(1500, 9000, 50), v.eur(40, 390, 10)
        facts = [
            Fact(f"The excess for glass breakage under {name} is {special} per claim.",
                 f"What is the excess for glass breakage under {name}?", special,
                 (f"If my windscreen cracks, how much do I pay myself with {name}?",)),
            Fact(f"Accessories and fitted equipment are covered up to {cap} per vehicle under {name}.",
                 f"What is the limit for accessories and fitted equipment under {name}?", cap,
                 (f"How much is paid for an aftermarket navigation system or roof box insured with {name}?",))]
    elif line == "household":
        special = v.eur(2000, 30000, 500)
        cap = v.eur(300, 3000, 50)
        facts = [
            Fact(f"Valuables are covered up to {special} in total under {name}.",
                 f"What is the limit for valuables under {name}?", special,
                 (f"How much would I get for stolen jewellery and watches with {name}?",)),
            Fact(f"Cash kept at home is covered up to {cap} under {name}.",
                 f"How much cash kept at home is covered under {name}?", cap,
                 (f"If burglars take banknotes from my flat, what does {name} reimburse?",))]
    elif line == "liability":
        special = v.eur(100000, 950000, 50000)
        cap = v.eur(1000, 25000, 500)
        facts = [
            Fact(f"Damage to rented holiday homes is covered up to {special} under {name}.",
                 f"What is the limit for damage to rented holiday homes under {name}?", special,
                 (f"If I damage a flat I rented for a holiday, how much does {name} pay?",)),
            Fact(f"The loss of keys to an employer's building is covered up to {cap} under {name}.",
                 f"What is the limit for lost employer keys under {name}?", cap,
                 (f"I lost my office keys and the locks must be changed; what is the cap with {name}?",))]
    else:
        special = v.eur(1000, 9000, 100)
        cap = v.eur(200, 2000, 50)
        facts = [
            Fact(f"Trip cancellation costs are reimbursed up to {special} per person under {name}.",
                 f"What is the limit for trip cancellation under {name}?", special,
                 (f"If I must cancel my holiday, how much of the booking do I get back with {name}?",)),
            Fact(f"Baggage is insured up to {cap} per person and trip under {name}.",
                 f"What is the baggage limit under {name}?", cap,
                 (f"My suitcase was lost; what is the most {name} pays for it?",))]
    top = v.eur(50000, 5000000, 50000) if line in ("liability", "travel") else v.eur(20000, 150000, 1000)
    facts = [Fact(f"Under {name}, the standard excess per claim is {excess}.",
                  f"What is the standard excess per claim under the {name} policy?", excess,
                  (f"How much do I pay myself on each claim with {name} cover?",
                   f"What deductible applies to a {name} claim?")),
             Fact(f"{name} pays at most {top} per insured event.",
                  f"What is the most {name} pays per insured event?", top,
                  (f"What is the maximum payout for one incident with {name}?",
                   f"How much will {name} cover at most for a single loss?")), *facts]
    return [f.passage for f in facts], facts


def _settlement(v: Values, rng: random.Random, line: str, name: str) -> tuple[str, list[Fact]]:
    if line == "motor":
        pct = v.num(55, 95, "percent")
        return (f"We repair the vehicle in a garage of our partner network unless you choose otherwise. "
                f"A total loss applies when repair costs exceed {pct}% of the replacement value under {name}. "
                "In that case we pay the replacement value less the residual value of the wreck and the excess. "
                "After a claim we paid, your no-claims bonus is moved back according to the table in the schedule.",
                [Fact(f"A total loss applies when repair costs exceed {pct}% of the replacement value under {name}.",
                      f"At what repair cost is a vehicle a total loss under {name}?",
                      f"{pct}% of the replacement value",
                      (f"When does Nordlicht write off a car insured with {name} instead of repairing it?",))])
    if line == "household":
        nights = v.num(30, 200, "nights")
        return ("Home contents are settled new-for-old. Where an item can be repaired, we pay the repair costs up to "
                f"its new-for-old value. If your home cannot be lived in, {name} pays hotel costs for up to {nights} "
                "nights. We pay for clearing up, transporting damaged items and protecting the home against further "
                "damage, provided the costs were reasonable.",
                [Fact(f"{name} pays hotel costs for up to {nights} nights",
                      f"For how many nights does {name} pay hotel costs if the home cannot be lived in?",
                      f"{nights} nights",
                      (f"If my flat is uninhabitable after a fire, how long will {name} pay for a hotel?",))])
    if line == "liability":
        months = v.num(6, 60, "months")
        return (one(rng, "We decide whether a claim is justified and negotiate with the third party on your behalf.",
                    "We handle the claim with the third party for you and decide whether it is justified.")
                + " You must not acknowledge or settle a claim yourself without our written consent. "
                f"Claims reported more than {months} months after the end of the contract are not covered by {name}.",
                [Fact(f"Claims reported more than {months} months after the end of the contract are not covered",
                      f"How long after the end of a {name} contract can a claim still be reported?",
                      f"{months} months", (f"Is there a reporting deadline after I cancel {name}?",))])
    hours = v.num(24, 96, "hours")
    return ("Medical costs abroad are paid directly by the assistance partner where the hospital accepts a payment "
            "guarantee; otherwise we reimburse the original invoices. Costs in a foreign currency are converted at "
            "the rate of the day the invoice was paid. "
            f"A delayed suitcase is treated as lost if it has not arrived {hours} hours after you under {name}.",
            [Fact(f"treated as lost if it has not arrived {hours} hours after you under {name}",
                  f"After how many hours is a delayed suitcase treated as lost under {name}?", f"{hours} hours",
                  (f"When does the airline's late baggage count as lost for {name}?",))])


def policy_wording(v: Values, rng: random.Random, line: str, tier: str) -> Doc:
    name = f"{LINES[line]} {tier}"
    d = Doc(f"policy-{line}-{tier.lower()}", f"{name} insurance: policy wording", "policy_wording", "public")
    d.add("About this wording",
          f"This policy wording describes the {name} insurance offered by Nordlicht Versicherung AG. Together with "
          "your policy schedule and the General Conditions of Insurance it forms your insurance contract. "
          + one(rng, "Where the schedule and this wording differ, the schedule applies.",
                "If the schedule says something different from this wording, the schedule prevails."),
          one(rng, "You may withdraw from the contract within 14 days of receiving these documents, without giving "
                   "reasons, by writing to us.",
              "You have 14 days from receipt of these documents to withdraw from the contract in writing; no reasons "
              "are needed."))
    d.add("1. Definitions", "In this wording the following terms have the meaning given here:",
          Bullets(tuple(rng.sample(DEFINITIONS[line], k=len(DEFINITIONS[line])))))
    text, comfort = COVER[line]
    d.add("2. What is covered", text.format(comfort=comfort if tier == "Comfort" else
                                            "Extended cover options are available in the Comfort tier."),
          one(rng, "Cover starts on the date in the schedule, but not before the first premium has been paid.",
              "Cover begins at the start date in the schedule once the first premium has been received."))
    passages, facts = _limits(v, line, name)
    d.add("3. Limits and excess",
          "The limits below apply per insured event unless stated otherwise. The excess is deducted from every "
          "payment before it is made.",
          *passages, "Limits in the schedule take precedence where they are higher.", facts=facts)
    d.add("4. What is not covered", "We do not pay for:", Bullets(tuple(rng.sample(EXCLUSIONS[line], k=4))),
          "These exclusions apply in addition to those in the General Conditions of Insurance.")
    notify = v.num(3, 21, "notify")
    police = v.num(12, 72, "police-hours")
    duties = [f"Report a {name} claim within {notify} days of discovering the loss.",
              f"Report theft, burglary or robbery to the police within {police} hours and send us the reference.",
              "Limit the loss where you reasonably can and follow our instructions.",
              "Keep damaged items until we have seen them or agreed that they may be disposed of.",
              "Give us the information and documents we need to assess the claim."]
    d.add("5. Your duties after a loss",
          one(rng, "If you breach one of these duties deliberately, we may refuse to pay. If you breach one through "
                   "gross negligence, we may reduce the payment in proportion to the seriousness of your fault.",
              "A deliberate breach of these duties releases us from paying; after a grossly negligent breach we may "
              "reduce the payment according to the degree of fault."),
          Bullets(tuple(duties)),
          facts=[Fact(f"Report a {name} claim within {notify} days of discovering the loss.",
                      f"Within how many days must a {name} claim be reported?", f"{notify} days",
                      (f"How long do I have to tell the insurer about a loss under {name}?",)),
                 Fact(f"to the police within {police} hours and send us the reference",
                      f"Within how many hours must a theft be reported to the police under {name}?",
                      f"{police} hours",
                      (f"After a break-in, how quickly must a {name} customer go to the police?",))])
    settle, sfacts = _settlement(v, rng, line, name)
    d.add("6. How we settle claims", settle,
          one(rng, "We pay within two weeks once we have established the amount we owe.",
              "Payment is made within two weeks after the amount owed has been established."), facts=sfacts)
    wait = v.num(10, 90, "waiting")
    d.add("7. Premium, waiting period and cancellation",
          "The premium is payable in advance, annually or in instalments as shown in the schedule. We collect it by "
          "SEPA direct debit from the account in your mandate; if a debit is returned, we write to you and give you "
          "two weeks to pay. " + one(rng, "Cover is suspended if the premium remains unpaid after that.",
                                    "If the premium is still unpaid after that, cover is suspended."),
          f"New {name} contracts have a waiting period of {wait} days for storm and natural hazard claims.",
          "Either party may cancel the contract at the end of each insurance year with three months' notice, and "
          "after a claim within one month of the payment or refusal.",
          facts=[Fact(f"New {name} contracts have a waiting period of {wait} days",
                      f"How long is the waiting period for storm damage on a new {name} contract?", f"{wait} days",
                      (f"After signing up for {name}, when does wind and hail cover start?",))])
    d.add("8. Complaints",
          "If you are not satisfied, write to our complaints team at complaints@nordlicht.example. We acknowledge "
          "every complaint and answer in writing. "
          + one(rng, "You may also turn to the insurance ombudsman; this does not affect your right to go to court.",
                "The insurance ombudsman is available as well, without affecting your right to take legal action."))
    return d


def build(v: Values, rng: random.Random) -> list[Doc]:
    return [policy_wording(v, rng, line, tier) for line in LINES for tier in TIERS]

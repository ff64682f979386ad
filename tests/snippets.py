"""Real corpus paragraphs (ledenbrief) shared by the answer tests."""

ZVH = (
    "Zorg- en Veiligheidshuizen zijn het escalatiepunt als in reguliere werkprocessen geen "
    "oplossing gevonden kan worden. In het Zorg- en Veiligheidshuis participeren verschillende "
    "partners uit de zorg- en veiligheidsketen, zoals het OM, de Raad van de "
    "Kinderbescherming, zorginstellingen (vaak GGZ en verslavingszorg, maar ook LVB is van "
    "belang), en gemeenten. Het doel van de samenwerking is het terugdringen van overlast, "
    "huiselijk geweld en criminaliteit."
)

"""Everyday texts on unrelated subjects, the yardstick of the relevance floor.

A passage answers a question only when it is clearly closer to the question than any of
these is. Unlike a threshold on the raw cosine (which differs per question with E5) or a
margin over the corpus median (which collapses when all letters share one subject), this
does not depend on which letters are indexed. Keep them off municipal and VNG subjects.
"""

BACKGROUND_TEXTS = [
    "De wedstrijd eindigde in een gelijkspel na een doelpunt in de laatste minuut.",
    "Voeg de ui en knoflook toe en laat het geheel tien minuten sudderen.",
    "Morgen wordt het bewolkt met kans op regen en een maximumtemperatuur van twaalf graden.",
    "De trein naar Amsterdam vertrekt van spoor vijf met een vertraging van tien minuten.",
    "De nieuwe smartphone heeft een betere camera en een grotere batterij.",
    "Bij hoofdpijn kunt u paracetamol nemen, maximaal zes tabletten per dag.",
    "De winkel is geopend van maandag tot en met zaterdag van negen tot zes uur.",
    "Het museum toont een tentoonstelling over de Gouden Eeuw.",
    "De kat slaapt graag in de zon op de vensterbank.",
    "Het bedrijf maakte een recordwinst dankzij de verkoop in Azië.",
    "Voor de vakantie naar Spanje heeft u een geldig paspoort nodig.",
    "De tuin moet in het voorjaar worden gesnoeid en bemest.",
    "Het concert van de band is uitverkocht.",
    "De auto moet elk jaar naar de garage voor onderhoud.",
    "De leerlingen maken hun huiswerk in de bibliotheek.",
    "Het boek gaat over een jongen die opgroeit op het platteland.",
    "De prijs van een brood is dit jaar gestegen.",
    "De verbouwing van het huis duurt langer dan gepland.",
    "Het festival trekt elk jaar duizenden bezoekers.",
    "De hond moet twee keer per dag worden uitgelaten.",
    "The match ended in a draw after a late goal.",
    "Tomorrow will be cloudy with a chance of rain.",
    "The new laptop has a faster processor and more memory.",
    "Add the onions and garlic and simmer for ten minutes.",
    "The museum is open every day except Monday.",
]

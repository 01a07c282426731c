<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="fr_FR">
<context>
    <name>BasketPanel</name>
    <message>
        <source>Favoris de la caisse (F5)</source>
        <translation>The till&apos;s favourites (F5)</translation>
    </message>
    <message>
        <source>Recherche client</source>
        <translation>Find customer</translation>
    </message>
    <message>
        <source>Retirer</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Remise panier</source>
        <translation>Basket discount</translation>
    </message>
    <message>
        <source>Vider</source>
        <translation>Empty</translation>
    </message>
    <message>
        <source>Payer</source>
        <translation>Pay</translation>
    </message>
    <message>
        <source>Encaisser le panier (F2)</source>
        <translation>Take payment for the basket (F2)</translation>
    </message>
    <message>
        <source>Mettre en attente</source>
        <translation>Put on hold</translation>
    </message>
    <message>
        <source>Paniers en attente (0)</source>
        <translation>Baskets on hold (0)</translation>
    </message>
    <message>
        <source>Panier</source>
        <translation>Basket</translation>
    </message>
    <message>
        <source>Remise {amount} ({reason})</source>
        <translation>Discount {amount} ({reason})</translation>
    </message>
    <message>
        <source>Payeur : {name}</source>
        <translation>Payer: {name}</translation>
    </message>
    <message>
        <source>Aucun payeur</source>
        <translation>No payer</translation>
    </message>
    <message>
        <source>Remise panier {amount} ({reason})</source>
        <translation>Basket discount {amount} ({reason})</translation>
    </message>
    <message>
        <source>Total : {amount}</source>
        <translation>Total: {amount}</translation>
    </message>
    <message>
        <source>Déjà encaissé : {paid} — reste {left}</source>
        <translation>Already paid: {paid} — {left} left</translation>
    </message>
    <message>
        <source>Remise sur la ligne</source>
        <translation>Line discount</translation>
    </message>
    <message>
        <source>{amount} ont déjà été encaissés : le panier ne peut pas descendre en dessous.</source>
        <translation>{amount} was already paid: the basket cannot go below it.</translation>
    </message>
    <message>
        <source>Remise panier retirée : elle dépassait ce qui reste dans le panier.</source>
        <translation>Basket discount removed: it was more than what is left in the basket.</translation>
    </message>
</context>
<context>
    <name>CashCounter</name>
    <message>
        <source>Montant</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>Billets et pièces</source>
        <translation>Notes and coins</translation>
    </message>
    <message>
        <source>Espèces comptées</source>
        <translation>Cash counted</translation>
    </message>
    <message>
        <source>{name}   × {quantity}   = {subtotal}</source>
        <translation>{name}   × {quantity}   = {subtotal}</translation>
    </message>
    <message>
        <source>Total compté : {total}</source>
        <translation>Total counted: {total}</translation>
    </message>
</context>
<context>
    <name>CashDialog</name>
    <message>
        <source>Fond de caisse enregistré : {amount}</source>
        <translation>Opening float saved: {amount}</translation>
    </message>
    <message>
        <source>Apport enregistré : {amount}</source>
        <translation>Cash in saved: {amount}</translation>
    </message>
    <message>
        <source>Retrait enregistré : {amount}</source>
        <translation>Cash out saved: {amount}</translation>
    </message>
    <message>
        <source>Mouvement d&apos;espèces</source>
        <translation>Cash movement</translation>
    </message>
    <message>
        <source>Fond de caisse</source>
        <translation>Opening float</translation>
    </message>
    <message>
        <source>Apport</source>
        <translation>Cash in</translation>
    </message>
    <message>
        <source>Retrait</source>
        <translation>Cash out</translation>
    </message>
    <message>
        <source>Montant</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>Motif (dépôt en banque, monnaie…)</source>
        <translation>Reason (bank deposit, change…)</translation>
    </message>
    <message>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>CataloguePanel</name>
    <message>
        <source>Rechercher un produit, un code-barres…</source>
        <translation>Search for a product, a barcode…</translation>
    </message>
    <message>
        <source>★ Favoris</source>
        <translation>★ Favourites</translation>
    </message>
    <message>
        <source>Tout</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Aucun favori : maintenez un produit appuyé, puis « Favoris ».</source>
        <translation>No favourites: hold a product down, then tap “Favourite”.</translation>
    </message>
    <message>
        <source>Aucun produit dans cette catégorie.</source>
        <translation>No product in this category.</translation>
    </message>
    <message>
        <source>Aucun produit ne correspond à « {typed} ».</source>
        <translation>No product matches “{typed}”.</translation>
    </message>
</context>
<context>
    <name>ClosureChart</name>
    <message>
        <source>Aucune clôture Z</source>
        <translation>No Z closure</translation>
    </message>
    <message>
        <source>CA TTC</source>
        <translation>Takings</translation>
    </message>
    <message>
        <source>Écart de caisse</source>
        <translation>Cash gap</translation>
    </message>
</context>
<context>
    <name>ClosureDialog</name>
    <message>
        <source>Clôture Z</source>
        <translation>Z closure</translation>
    </message>
    <message>
        <source>Lecture X</source>
        <translation>X reading</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Imprimer</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>Montant incorrect</source>
        <translation>Wrong amount</translation>
    </message>
    <message>
        <source>Clôture Z n° {number} enregistrée. Espèces attendues {expected}, comptées {counted}, écart {gap}. Grand total {total}.</source>
        <translation>Z closure no. {number} recorded. Cash expected {expected}, counted {counted}, gap {gap}. Grand total {total}.</translation>
    </message>
    <message>
        <source>Clôture {kind} n° {number} enregistrée aussi.</source>
        <translation>{kind} closure no. {number} recorded too.</translation>
    </message>
    <message>
        <source>mensuelle</source>
        <translation>Monthly</translation>
    </message>
    <message>
        <source>annuelle</source>
        <translation>Yearly</translation>
    </message>
    <message>
        <source>TVA {rate} % (TTC)</source>
        <translation>VAT {rate} % (incl. VAT)</translation>
    </message>
    <message>
        <source>Ventes ({count})</source>
        <translation>Sales ({count})</translation>
    </message>
    <message>
        <source>Annulations ({count})</source>
        <translation>Cancellations ({count})</translation>
    </message>
    <message>
        <source>Retours, avoirs ({count})</source>
        <translation>Returns, credit notes ({count})</translation>
    </message>
    <message>
        <source>Encaissé</source>
        <translation>Taken</translation>
    </message>
    <message>
        <source>Remboursé</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Net</translation>
    </message>
    <message>
        <source>Fond de caisse</source>
        <translation>Opening float</translation>
    </message>
    <message>
        <source>Espèces encaissées</source>
        <translation>Cash tendered</translation>
    </message>
    <message>
        <source>Monnaie rendue</source>
        <translation>Change given</translation>
    </message>
    <message>
        <source>Apports</source>
        <translation>Cash in</translation>
    </message>
    <message>
        <source>Retraits</source>
        <translation>Cash out</translation>
    </message>
    <message>
        <source>Remboursements en espèces</source>
        <translation>Cash refunds</translation>
    </message>
    <message>
        <source>{orders} commande(s), {cancelled} annulation(s)</source>
        <translation>{orders} order(s), {cancelled} cancellation(s)</translation>
    </message>
    <message>
        <source>Chiffre d&apos;affaires TTC</source>
        <translation>Takings incl. VAT</translation>
    </message>
    <message>
        <source>Par mode de paiement</source>
        <translation>By payment method</translation>
    </message>
    <message>
        <source>Tiroir</source>
        <translation>Drawer</translation>
    </message>
    <message>
        <source>Espèces attendues</source>
        <translation>Cash expected</translation>
    </message>
    <message>
        <source>Motif de l&apos;écart</source>
        <translation>Reason for the difference</translation>
    </message>
    <message>
        <source>Abandonner la clôture</source>
        <translation>Abandon the closure</translation>
    </message>
    <message>
        <source>Retour</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Valider le comptage</source>
        <translation>Confirm the count</translation>
    </message>
    <message>
        <source>Confirmer</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Oui, abandonner</source>
        <translation>Yes, abandon</translation>
    </message>
    <message>
        <source>Erreur de rendu de monnaie</source>
        <translation>Wrong change given</translation>
    </message>
    <message>
        <source>Pièce/billet manquant</source>
        <translation>Coin/note missing</translation>
    </message>
    <message>
        <source>Fond de caisse mal compté</source>
        <translation>Float miscounted</translation>
    </message>
    <message>
        <source>Paiement enregistré dans le mauvais mode</source>
        <translation>Payment recorded with the wrong method</translation>
    </message>
    <message>
        <source>Abandonner la clôture Z ? La caisse redevient ouverte et la journée continue ; l&apos;abandon est inscrit au journal.</source>
        <translation>Abandon the Z closure? The till opens again and the day goes on; the abandonment is recorded in the journal.</translation>
    </message>
    <message>
        <source>Comptage à l&apos;aveugle : l&apos;attendu s&apos;affiche une fois le comptage validé.</source>
        <translation>Blind count: the expected cash shows once the count is confirmed.</translation>
    </message>
    <message>
        <source>Saisissez les espèces comptées</source>
        <translation>Enter the cash counted</translation>
    </message>
    <message>
        <source>Attendu {expected} — écart : {amount}</source>
        <translation>Expected {expected} — difference: {amount}</translation>
    </message>
    <message>
        <source>Écart de {gap} (compté {counted}, attendu {expected}). Valider la clôture Z ?</source>
        <translation>Difference of {gap} (counted {counted}, expected {expected}). Record the Z closure?</translation>
    </message>
    <message>
        <source>Aucun écart (compté {counted}, attendu {expected}). Valider la clôture Z ?</source>
        <translation>No difference (counted {counted}, expected {expected}). Record the Z closure?</translation>
    </message>
    <message>
        <source>Motif obligatoire au-delà de {threshold} d&apos;écart.</source>
        <translation>A reason is required beyond a difference of {threshold}.</translation>
    </message>
    <message>
        <source>Motif de l&apos;écart (facultatif).</source>
        <translation>Reason for the difference (optional).</translation>
    </message>
    <message>
        <source>Motif : {reason}.</source>
        <translation>Reason: {reason}.</translation>
    </message>
    <message>
        <source>Clôture abandonnée : la caisse est de nouveau ouverte.</source>
        <translation>Closure abandoned: the till is open again.</translation>
    </message>
    <message>
        <source>la mise en service</source>
        <translation>the first use</translation>
    </message>
    <message>
        <source>Du {start} au {end}</source>
        <translation>From {start} to {end}</translation>
    </message>
    <message>
        <source>commandes</source>
        <translation>orders</translation>
    </message>
    <message>
        <source>clôtures</source>
        <translation>closures</translation>
    </message>
    <message>
        <source>événements</source>
        <translation>events</translation>
    </message>
    <message>
        <source>duplicatas</source>
        <translation>duplicates</translation>
    </message>
    <message>
        <source>archives</source>
        <translation>archives</translation>
    </message>
    <message>
        <source>formation</source>
        <translation>training</translation>
    </message>
    <message>
        <source>{chain} n° {number} ({hash})</source>
        <translation>{chain} no. {number} ({hash})</translation>
    </message>
    <message>
        <source>Journal de la caisse</source>
        <translation>The till&apos;s journal</translation>
    </message>
    <message>
        <source>{chain} n° {number}</source>
        <translation>{chain} no. {number}</translation>
    </message>
    <message>
        <source>alerte : {reason}</source>
        <translation>alert: {reason}</translation>
    </message>
    <message>
        <source>Journal reconnu par le serveur</source>
        <translation>Journal acknowledged by the server</translation>
    </message>
</context>
<context>
    <name>ClosureHistoryDialog</name>
    <message>
        <source>Historique des clôtures</source>
        <translation>Closure history</translation>
    </message>
    <message>
        <source>Aujourd&apos;hui</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Cette semaine</source>
        <translation>This week</translation>
    </message>
    <message>
        <source>Ce mois</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>Afficher</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>Du</source>
        <translation>From</translation>
    </message>
    <message>
        <source>au</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Clôture</source>
        <translation>Closure</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>CA TTC</source>
        <translation>Takings</translation>
    </message>
    <message>
        <source>Attendu</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>Compté</source>
        <translation>Counted</translation>
    </message>
    <message>
        <source>Écart</source>
        <translation>Gap</translation>
    </message>
    <message>
        <source>Grand total</source>
        <translation>Grand total</translation>
    </message>
    <message>
        <source>Motif de l&apos;écart</source>
        <translation>Reason for the difference</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Mois</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>Année</source>
        <translation>Year</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>Conflits entre contrôles</source>
        <translation>Conflicts between gates</translation>
    </message>
    <message>
        <source>Quand</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Billet</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <source>Conflit</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <source>Détails</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Aucun conflit entre contrôles.</source>
        <translation>No conflict between gates.</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Entrées au-delà du permis</source>
        <translation>More entries than allowed</translation>
    </message>
    <message>
        <source>Validé après destruction</source>
        <translation>Validated after being voided</translation>
    </message>
    <message>
        <source>Billet inconnu du serveur</source>
        <translation>Ticket unknown to the server</translation>
    </message>
</context>
<context>
    <name>CustomerDialog</name>
    <message>
        <source>Recherche client</source>
        <translation>Find customer</translation>
    </message>
    <message>
        <source>Nom : dupont, dup* (commence par), *pont (contient)</source>
        <translation>Name: dupont, dup* (starts with), *pont (contains)</translation>
    </message>
    <message>
        <source>Assigner au panier</source>
        <translation>Assign to basket</translation>
    </message>
    <message>
        <source>Nouveau client</source>
        <translation>New customer</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Personne</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Scannez la carte ou tapez son numéro</source>
        <translation>Scan the card or type its number</translation>
    </message>
    <message>
        <source>Nom</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Prénom</source>
        <translation>First name</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Téléphone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Code postal</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <source>Carte d&apos;adhérent</source>
        <translation>Membership card</translation>
    </message>
    <message>
        <source>Retour</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Créer et assigner</source>
        <translation>Create and assign</translation>
    </message>
    <message>
        <source>Aucun client trouvé.</source>
        <translation>No customer found.</translation>
    </message>
    <message>
        <source>carte {code}</source>
        <translation>card {code}</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <source>Périphériques</source>
        <translation>Devices</translation>
    </message>
    <message>
        <source>Imprimante et tiroir</source>
        <translation>Printer and drawer</translation>
    </message>
    <message>
        <source>Lecteurs de codes</source>
        <translation>Code readers</translation>
    </message>
    <message>
        <source>File d&apos;impression</source>
        <translation>Print queue</translation>
    </message>
    <message>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Un responsable enregistre les réglages</source>
        <translation>A manager saves the settings</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Aucune</source>
        <translation>None</translation>
    </message>
    <message>
        <source>Réseau (IP:port)</source>
        <translation>Network (IP:port)</translation>
    </message>
    <message>
        <source>Port série</source>
        <translation>Serial port</translation>
    </message>
    <message>
        <source>USB (fabricant:produit)</source>
        <translation>USB (vendor:product)</translation>
    </message>
    <message>
        <source>Fichier ou périphérique</source>
        <translation>File or device</translation>
    </message>
    <message>
        <source>File CUPS</source>
        <translation>CUPS queue</translation>
    </message>
    <message>
        <source>Sur l&apos;imprimante</source>
        <translation>On the printer</translation>
    </message>
    <message>
        <source>Aucun</source>
        <translation>None</translation>
    </message>
    <message>
        <source>Broche 2</source>
        <translation>Pin 2</translation>
    </message>
    <message>
        <source>Broche 5</source>
        <translation>Pin 5</translation>
    </message>
    <message>
        <source>Impression test</source>
        <translation>Test print</translation>
    </message>
    <message>
        <source>Aperçu</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>Imprimante</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>Adresse</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Papier</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>Tiroir-caisse</source>
        <translation>Cash drawer</translation>
    </message>
    <message>
        <source>Branchement</source>
        <translation>Wiring</translation>
    </message>
    <message>
        <source>Impulsion</source>
        <translation>Pulse</translation>
    </message>
    <message>
        <source>État</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Demander son état (DLE EOT)</source>
        <translation>Ask its status (DLE EOT)</translation>
    </message>
    <message>
        <source>Un document n&apos;est imprimé que quand l&apos;imprimante le confirme après la coupe. Décochez pour une imprimante ou un serveur d&apos;impression qui ne répond jamais : le document est alors imprimé une fois envoyé en entier.</source>
        <translation>A document counts as printed only once the printer confirms it after the cut. Untick for a printer or print server that never answers: a document then counts as printed once sent in full.</translation>
    </message>
    <message>
        <source>vide : lecteur clavier (USB) seulement</source>
        <translation>empty: keyboard (USB) reader only</translation>
    </message>
    <message>
        <source>CR (retour chariot)</source>
        <translation>CR (carriage return)</translation>
    </message>
    <message>
        <source>LF</source>
        <translation>LF</translation>
    </message>
    <message>
        <source>CR LF</source>
        <translation>CR LF</translation>
    </message>
    <message>
        <source>Tabulation</source>
        <translation>Tab</translation>
    </message>
    <message>
        <source>Aucun : une pause termine le code</source>
        <translation>None: a pause ends the code</translation>
    </message>
    <message>
        <source>Un code non terminé dans ce délai est écarté et signalé</source>
        <translation>A code not ended within this time is dropped and reported</translation>
    </message>
    <message>
        <source>vide : aucune ; 0 : la première caméra</source>
        <translation>empty: none; 0: the first camera</translation>
    </message>
    <message>
        <source>vide : aucun ; un caractère, F7 à F24</source>
        <translation>empty: none; one character, F7 to F24</translation>
    </message>
    <message>
        <source>Ce que le lecteur clavier envoie avant chaque code (à régler aussi dans le lecteur) : tout ce qui suit jusqu&apos;au suffixe est un code, même avec des pauses.</source>
        <translation>What the keyboard scanner sends before each code (set it in the scanner too): everything from it to the suffix is one code, even with pauses.</translation>
    </message>
    <message>
        <source>ENTER, TAB, F7 à F24 ou un caractère</source>
        <translation>ENTER, TAB, F7 to F24 or one character</translation>
    </message>
    <message>
        <source>Ce qu&apos;il envoie après chaque code ; Entrée termine toujours un code aussi.</source>
        <translation>What it sends after each code; Enter always ends a code too.</translation>
    </message>
    <message>
        <source>La plus longue pause entre deux touches d&apos;un même code (sans préfixe) : au-delà, ce qui précède est tapé au clavier.</source>
        <translation>The longest pause between two keys of one code (without a prefix): beyond it, what came before is typed as keys.</translation>
    </message>
    <message>
        <source>Lecteur série</source>
        <translation>Serial reader</translation>
    </message>
    <message>
        <source>Fin de code</source>
        <translation>Code end</translation>
    </message>
    <message>
        <source>Délai d&apos;un code</source>
        <translation>Code timeout</translation>
    </message>
    <message>
        <source>Encodage</source>
        <translation>Encoding</translation>
    </message>
    <message>
        <source>Lecteur clavier : préfixe</source>
        <translation>Keyboard scanner: prefix</translation>
    </message>
    <message>
        <source>Suffixe</source>
        <translation>Suffix</translation>
    </message>
    <message>
        <source>Pause maximale</source>
        <translation>Longest pause</translation>
    </message>
    <message>
        <source>Caméra</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>Trouvés</source>
        <translation>Found</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>Référence</source>
        <translation>Reference</translation>
    </message>
    <message>
        <source>Heure</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Erreur</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Réessayer</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>Imprimer maintenant ce qui attend</source>
        <translation>Print what is waiting now</translation>
    </message>
    <message>
        <source>Supprimer</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Retirer de la file le document choisi, qui ne sera jamais imprimé (un responsable ; inscrit au journal)</source>
        <translation>Take the chosen document out of the queue; it will never print (a manager; recorded in the journal)</translation>
    </message>
    <message>
        <source>Préfixe du lecteur clavier : un seul caractère, ou une touche de F7 à F24.</source>
        <translation>Keyboard scanner prefix: one character, or a key from F7 to F24.</translation>
    </message>
    <message>
        <source>Suffixe du lecteur clavier : un seul caractère, ou ENTER, TAB, ou une touche de F7 à F24.</source>
        <translation>Keyboard scanner suffix: one character, or ENTER, TAB, or a key from F7 to F24.</translation>
    </message>
    <message>
        <source>Le préfixe et le suffixe du lecteur clavier doivent différer.</source>
        <translation>The keyboard scanner&apos;s prefix and suffix must differ.</translation>
    </message>
    <message>
        <source>Réglages enregistrés.</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <source>Inconnu : cette imprimante ne donne pas son état</source>
        <translation>Unknown: this printer does not report its status</translation>
    </message>
    <message>
        <source>Prête</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source> — papier bientôt épuisé</source>
        <translation> — paper running low</translation>
    </message>
    <message>
        <source>aucun</source>
        <translation>none</translation>
    </message>
    <message>
        <source>Ports série : {ports}
Caméras : {cameras}</source>
        <translation>Serial ports: {ports}
Cameras: {cameras}</translation>
    </message>
    <message>
        <source>en attente</source>
        <translation>waiting</translation>
    </message>
    <message>
        <source>en échec</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>imprimé</source>
        <translation>printed</translation>
    </message>
    <message>
        <source>Ticket de caisse</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>Duplicata</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>Rapport X / Z</source>
        <translation>X / Z report</translation>
    </message>
    <message>
        <source>Commande</source>
        <translation>Order</translation>
    </message>
    <message>
        <source>Billet</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <source>Document {reference} retiré de la file.</source>
        <translation>Document {reference} taken out of the queue.</translation>
    </message>
</context>
<context>
    <name>DiscountDialog</name>
    <message>
        <source>Sur {amount}</source>
        <translation>On {amount}</translation>
    </message>
    <message>
        <source>Montant de la remise</source>
        <translation>Discount amount</translation>
    </message>
    <message>
        <source>Motif (obligatoire)</source>
        <translation>Reason (required)</translation>
    </message>
    <message>
        <source>Appliquer la remise</source>
        <translation>Apply the discount</translation>
    </message>
    <message>
        <source>Sans remise</source>
        <translation>No discount</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Geste commercial</source>
        <translation>Goodwill gesture</translation>
    </message>
    <message>
        <source>Fidélité</source>
        <translation>Loyalty</translation>
    </message>
    <message>
        <source>Tarif groupe</source>
        <translation>Group rate</translation>
    </message>
    <message>
        <source>Article abîmé</source>
        <translation>Damaged item</translation>
    </message>
</context>
<context>
    <name>DrawerDialog</name>
    <message>
        <source>Ouvrir le tiroir</source>
        <translation>Open the drawer</translation>
    </message>
    <message>
        <source>Motif (monnaie, comptage…)</source>
        <translation>Reason (change, count…)</translation>
    </message>
    <message>
        <source>Ouvrir</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>GateStatsDialog</name>
    <message>
        <source>Statistiques des entrées</source>
        <translation>Entry statistics</translation>
    </message>
    <message>
        <source>Afficher</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>Exporter en CSV</source>
        <translation>Export as CSV</translation>
    </message>
    <message>
        <source>Conflits</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Jour</source>
        <translation>Day</translation>
    </message>
    <message>
        <source>Entrées</source>
        <translation>Entries</translation>
    </message>
    <message>
        <source>Produit</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>Refus</source>
        <translation>Refusal</translation>
    </message>
    <message>
        <source>Nombre</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>Du</source>
        <translation>From</translation>
    </message>
    <message>
        <source>au</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Entrées par heure</source>
        <translation>Entries per hour</translation>
    </message>
    <message>
        <source>{entries} entrée(s), {refused} refus, {voids} billet(s) détruit(s)</source>
        <translation>{entries} entry(ies), {refused} refusal(s), {voids} ticket(s) voided</translation>
    </message>
    <message>
        <source>Exporter les statistiques</source>
        <translation>Export the statistics</translation>
    </message>
    <message>
        <source>Export impossible : {why}</source>
        <translation>Export failed: {why}</translation>
    </message>
    <message>
        <source>Exporté dans {path}</source>
        <translation>Exported to {path}</translation>
    </message>
</context>
<context>
    <name>GiveBackDialog</name>
    <message>
        <source>Abandonner la vente</source>
        <translation>Give up the sale</translation>
    </message>
    <message>
        <source>Garder la vente</source>
        <translation>Keep the sale</translation>
    </message>
    <message>
        <source>Rendu au client : abandonner</source>
        <translation>Handed back: give up the sale</translation>
    </message>
    <message>
        <source>{paid} ont été encaissés pour cette vente. Rendez-les au client :</source>
        <translation>{paid} was paid for this sale. Hand it back to the customer:</translation>
    </message>
    <message>
        <source>puis confirmez : la vente est abandonnée et le journal le garde.</source>
        <translation>then confirm: the sale is given up and the journal keeps a record.</translation>
    </message>
</context>
<context>
    <name>HeldBaskets</name>
    <message>
        <source>Paniers en attente ({count})</source>
        <translation>Baskets on hold ({count})</translation>
    </message>
    <message>
        <source>Panier {n}</source>
        <translation>Basket {n}</translation>
    </message>
    <message>
        <source>Panier « {name} » mis en attente.</source>
        <translation>Basket “{name}” put on hold.</translation>
    </message>
    <message>
        <source>Panier « {name} » repris.</source>
        <translation>Basket “{name}” taken up again.</translation>
    </message>
</context>
<context>
    <name>HeldBasketsDialog</name>
    <message>
        <source>Paniers en attente</source>
        <translation>Baskets on hold</translation>
    </message>
    <message>
        <source>Aucun panier en attente.</source>
        <translation>No basket on hold.</translation>
    </message>
    <message>
        <source>Non</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Reprendre</source>
        <translation>Take up</translation>
    </message>
    <message>
        <source>Supprimer</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>1 ligne</source>
        <translation>1 line</translation>
    </message>
    <message>
        <source>{count} lignes</source>
        <translation>{count} lines</translation>
    </message>
    <message>
        <source>en attente depuis {time}, par {who}</source>
        <translation>on hold since {time}, by {who}</translation>
    </message>
    <message>
        <source>Le panier en cours n&apos;est pas vide. Le mettre en attente pour reprendre « {name} » ?</source>
        <translation>The current basket is not empty. Put it on hold to take up “{name}”?</translation>
    </message>
    <message>
        <source>Mettre en attente et reprendre</source>
        <translation>Put on hold and take up</translation>
    </message>
    <message>
        <source>Supprimer le panier « {name} » ({total}) ? Ses articles seront retirés.</source>
        <translation>Delete the basket “{name}” ({total})? Its items will be removed.</translation>
    </message>
    <message>
        <source>Oui, supprimer</source>
        <translation>Yes, delete</translation>
    </message>
</context>
<context>
    <name>HoldDialog</name>
    <message>
        <source>Mettre en attente</source>
        <translation>Put on hold</translation>
    </message>
    <message>
        <source>Nom du panier en attente :</source>
        <translation>Name of the basket on hold:</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>KeyboardPanel</name>
    <message>
        <source>Entrée</source>
        <translation>Enter</translation>
    </message>
    <message>
        <source>Espace</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>Masquer</source>
        <translation>Hide</translation>
    </message>
</context>
<context>
    <name>KeyboardScanner</name>
    <message>
        <source>Code lu ignoré : fermez d&apos;abord cette fenêtre.</source>
        <translation>Code read and ignored: close this window first.</translation>
    </message>
    <message>
        <source>Lecteur clavier : code commencé mais jamais terminé, tapé tel quel.</source>
        <translation>Keyboard scanner: a code begun but never ended, typed as is.</translation>
    </message>
</context>
<context>
    <name>LineDialog</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Remise sur la ligne</source>
        <translation>Line discount</translation>
    </message>
    <message>
        <source>Supprimer la ligne</source>
        <translation>Delete the line</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>OpeningFloatDialog</name>
    <message>
        <source>Fond de caisse</source>
        <translation>Opening float</translation>
    </message>
    <message>
        <source>La caisse vient d&apos;ouvrir : comptez le fond de caisse mis dans le tiroir.</source>
        <translation>The till has just opened: count the float put in the drawer.</translation>
    </message>
    <message>
        <source>Enregistrer le fond de caisse</source>
        <translation>Save the opening float</translation>
    </message>
    <message>
        <source>Pas de fond de caisse</source>
        <translation>No opening float</translation>
    </message>
    <message>
        <source>Enregistrez le fond de caisse, ou touchez « Pas de fond de caisse ».</source>
        <translation>Save the opening float, or tap “No opening float”.</translation>
    </message>
</context>
<context>
    <name>OrderDialog</name>
    <message>
        <source>Commande {number}</source>
        <translation>Order {number}</translation>
    </message>
    <message>
        <source>Encaisser le reste</source>
        <translation>Take the rest</translation>
    </message>
    <message>
        <source>Retour d&apos;articles</source>
        <translation>Return items</translation>
    </message>
    <message>
        <source>Annuler la commande</source>
        <translation>Cancel the order</translation>
    </message>
    <message>
        <source>Rendre le trop-perçu</source>
        <translation>Give back the overpayment</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Réservé aux responsables</source>
        <translation>Managers only</translation>
    </message>
    <message>
        <source>Se fait à la caisse qui a vendu : « {till} »</source>
        <translation>Done at the till that sold it: “{till}”</translation>
    </message>
    <message>
        <source>Vendue à la caisse « {till} » : encaissable ici ; retours, annulation et trop-perçu se règlent là-bas.</source>
        <translation>Sold at till “{till}”: it can be paid here; returns, cancellation and overpayments are settled there.</translation>
    </message>
    <message>
        <source>HT</source>
        <translation>excl. VAT</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>Le ticket de cette commande, à l&apos;écran</source>
        <translation>This order&apos;s receipt, on screen</translation>
    </message>
    <message>
        <source>Duplicata</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>Réimpression : numérotée et inscrite au journal</source>
        <translation>Reprint: numbered and journaled</translation>
    </message>
    <message>
        <source>ANNULÉE</source>
        <translation>CANCELLED</translation>
    </message>
    <message>
        <source>Remise panier {amount} ({reason}), répartie sur les lignes</source>
        <translation>Basket discount {amount} ({reason}), shared over the lines</translation>
    </message>
    <message>
        <source>TVA {rate} %</source>
        <translation>VAT {rate} %</translation>
    </message>
    <message>
        <source>caisse « {till} »</source>
        <translation>till “{till}”</translation>
    </message>
    <message>
        <source> (rendu {amount})</source>
        <translation> (change {amount})</translation>
    </message>
    <message>
        <source>Avoir {number}</source>
        <translation>Credit note {number}</translation>
    </message>
    <message>
        <source>Remboursé en {method}</source>
        <translation>Refunded in {method}</translation>
    </message>
    <message>
        <source>Payeur : {name}</source>
        <translation>Payer: {name}</translation>
    </message>
    <message>
        <source>Code postal : {answer}</source>
        <translation>Postal code: {answer}</translation>
    </message>
    <message>
        <source>Total : {amount}</source>
        <translation>Total: {amount}</translation>
    </message>
    <message>
        <source>Étranger</source>
        <translation>Abroad</translation>
    </message>
    <message>
        <source>Non communiqué</source>
        <translation>Not given</translation>
    </message>
    <message>
        <source>Remise {amount} ({reason})</source>
        <translation>Discount {amount} ({reason})</translation>
    </message>
    <message>
        <source>part de la remise panier {amount}</source>
        <translation>share of the basket discount {amount}</translation>
    </message>
    <message>
        <source>Trop-perçu : {amount} à rendre au client</source>
        <translation>Overpaid: {amount} to give back to the customer</translation>
    </message>
    <message>
        <source>Trop-perçu : {amount}, rendu au client par la caisse « {till} »</source>
        <translation>Overpaid: {amount}, given back to the customer by till “{till}”</translation>
    </message>
    <message>
        <source>Reste à payer : {amount}</source>
        <translation>Left to pay: {amount}</translation>
    </message>
</context>
<context>
    <name>OrderSearchDialog</name>
    <message>
        <source>Recherche commande</source>
        <translation>Find order</translation>
    </message>
    <message>
        <source>Numéro de commande ou nom du payeur</source>
        <translation>Order number or payer&apos;s name</translation>
    </message>
    <message>
        <source>À encaisser</source>
        <translation>To pay</translation>
    </message>
    <message>
        <source>Actives</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Annulées</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>Toutes</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Ouvrir</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Aucune commande trouvée.</source>
        <translation>No order found.</translation>
    </message>
    <message>
        <source>Aucune commande à encaisser.</source>
        <translation>No order left to pay.</translation>
    </message>
    <message>
        <source>trop-perçu {amount}</source>
        <translation>overpaid {amount}</translation>
    </message>
    <message>
        <source>annulée</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <source>payée</source>
        <translation>paid</translation>
    </message>
    <message>
        <source>reste {amount}</source>
        <translation>{amount} left</translation>
    </message>
    <message>
        <source>sans payeur</source>
        <translation>no payer</translation>
    </message>
    <message>
        <source>{title} — billet {reference} : {label}</source>
        <translation>{title} — ticket {reference}: {label}</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Encaissement</source>
        <translation>Payment</translation>
    </message>
    <message>
        <source>Annuler le dernier paiement</source>
        <translation>Undo the last payment</translation>
    </message>
    <message>
        <source>Valider sans payer</source>
        <translation>Validate without paying</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Modifier le code postal</source>
        <translation>Change the postal code</translation>
    </message>
    <message>
        <source>Montant</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>5 chiffres</source>
        <translation>5 digits</translation>
    </message>
    <message>
        <source>Valider le code postal</source>
        <translation>Confirm the postal code</translation>
    </message>
    <message>
        <source>Étranger</source>
        <translation>Abroad</translation>
    </message>
    <message>
        <source>Non communiqué</source>
        <translation>Not given</translation>
    </message>
    <message>
        <source>Code postal du visiteur</source>
        <translation>The visitor&apos;s postal code</translation>
    </message>
    <message>
        <source>Code postal</source>
        <translation>Postal code</translation>
    </message>
    <message>
        <source>Code postal : {answer}</source>
        <translation>Postal code: {answer}</translation>
    </message>
    <message>
        <source>Proposez la note au client (prestation de 25 € ou plus).</source>
        <translation>Offer the customer the note (services of 25 € or more).</translation>
    </message>
    <message>
        <source>Ticket de caisse</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>Le ticket n&apos;est remis que si le client le demande.</source>
        <translation>A receipt is given only when the customer asks for one.</translation>
    </message>
    <message>
        <source>Nouvelle vente</source>
        <translation>Next sale</translation>
    </message>
    <message>
        <source>Total : {amount}</source>
        <translation>Total: {amount}</translation>
    </message>
    <message>
        <source> (rendu {amount})</source>
        <translation> (change {amount})</translation>
    </message>
    <message>
        <source>Reste à payer : {amount}</source>
        <translation>Left to pay: {amount}</translation>
    </message>
    <message>
        <source>Rendu monnaie : {amount}</source>
        <translation>Change: {amount}</translation>
    </message>
    <message>
        <source>Valider la vente</source>
        <translation>Validate the sale</translation>
    </message>
    <message>
        <source>Commande {number} enregistrée.</source>
        <translation>Order {number} recorded.</translation>
    </message>
    <message>
        <source>Commande {number} validée ; reste à payer : {amount}.</source>
        <translation>Order {number} validated; left to pay: {amount}.</translation>
    </message>
</context>
<context>
    <name>PolicyDialog</name>
    <message>
        <source>Règles de la caisse</source>
        <translation>Till rules</translation>
    </message>
    <message>
        <source>Oui</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Non</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Caissiers</source>
        <translation>Cashiers</translation>
    </message>
    <message>
        <source>Responsables</source>
        <translation>Managers</translation>
    </message>
    <message>
        <source>Administrateurs</source>
        <translation>Administrators</translation>
    </message>
    <message>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Comptage à l&apos;aveugle (clôture Z)</source>
        <translation>Blind count (Z closure)</translation>
    </message>
    <message>
        <source>Motif exigé au-delà d&apos;un écart de (€)</source>
        <translation>Reason required for a gap above (€)</translation>
    </message>
    <message>
        <source>Remises permises aux</source>
        <translation>Discounts allowed for</translation>
    </message>
    <message>
        <source>Remise maximale (%)</source>
        <translation>Maximum discount (%)</translation>
    </message>
    <message>
        <source>Règles enregistrées.</source>
        <translation>Rules saved.</translation>
    </message>
</context>
<context>
    <name>ProductDialog</name>
    <message>
        <source>Ajouter au panier</source>
        <translation>Add to basket</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Quantité</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <source>Retirer</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Favoris</source>
        <translation>Favourite</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <source>Ticket de caisse</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>Duplicata</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>Réimpression : numérotée et inscrite au journal</source>
        <translation>Reprint: numbered and journaled</translation>
    </message>
    <message>
        <source>Imprimer</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>Sur l&apos;imprimante de la caisse (la file d&apos;impression le garde si elle ne répond pas)</source>
        <translation>On the till&apos;s printer (the print queue keeps it if the printer does not answer)</translation>
    </message>
    <message>
        <source>Aperçu</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>Le ticket tel que l&apos;imprimante le donnera</source>
        <translation>The receipt as the printer will print it</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Annuler la commande {number}</source>
        <translation>Cancel order {number}</translation>
    </message>
    <message>
        <source>Rendre le trop-perçu — commande {number}</source>
        <translation>Give back the overpayment — order {number}</translation>
    </message>
    <message>
        <source>Retour d&apos;articles — commande {number}</source>
        <translation>Return items — order {number}</translation>
    </message>
    <message>
        <source>Motif (obligatoire)</source>
        <translation>Reason (required)</translation>
    </message>
    <message>
        <source>Annulation</source>
        <translation>Cancellation</translation>
    </message>
    <message>
        <source>Ce qui reste de la commande est annulé : {amount}.</source>
        <translation>What is left of the order is cancelled: {amount}.</translation>
    </message>
    <message>
        <source>Trop-perçu</source>
        <translation>Overpayment</translation>
    </message>
    <message>
        <source>La commande a été payée au-delà de ce qu&apos;elle vaut (à deux caisses hors ligne, par exemple) : rien n&apos;est repris, seul l&apos;excédent est rendu.</source>
        <translation>The order was paid beyond its worth (at two tills while offline, say): nothing is taken back, only the excess goes back.</translation>
    </message>
    <message>
        <source>Articles repris</source>
        <translation>Items taken back</translation>
    </message>
    <message>
        <source>Rendu au client</source>
        <translation>Given back to the customer</translation>
    </message>
    <message>
        <source>Confirmer l&apos;annulation</source>
        <translation>Confirm the cancellation</translation>
    </message>
    <message>
        <source>Confirmer le remboursement</source>
        <translation>Confirm the refund</translation>
    </message>
    <message>
        <source>Confirmer le retour</source>
        <translation>Confirm the return</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source> · déjà repris : {count}</source>
        <translation> · already taken back: {count}</translation>
    </message>
    <message>
        <source>Imprimer le justificatif</source>
        <translation>Print the slip</translation>
    </message>
    <message>
        <source>Terminer</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>À rendre au client : {amount}</source>
        <translation>To give back: {amount}</translation>
    </message>
    <message>
        <source>Montant incorrect</source>
        <translation>Wrong amount</translation>
    </message>
    <message>
        <source>Tout est réparti.</source>
        <translation>All of it is split.</translation>
    </message>
    <message>
        <source>Reste à répartir : {amount}</source>
        <translation>Left to split: {amount}</translation>
    </message>
    <message>
        <source>Trop rendu : {amount}</source>
        <translation>Too much given back: {amount}</translation>
    </message>
    <message>
        <source>rien à rendre</source>
        <translation>nothing to give back</translation>
    </message>
    <message>
        <source>Trop-perçu de la commande {number} rendu.</source>
        <translation>Overpayment of order {number} given back.</translation>
    </message>
    <message>
        <source>Commande {number} annulée.</source>
        <translation>Order {number} cancelled.</translation>
    </message>
    <message>
        <source>Avoir {number} enregistré.</source>
        <translation>Credit note {number} recorded.</translation>
    </message>
    <message>
        <source>Rendu au client : {given}.</source>
        <translation>Given back to the customer: {given}.</translation>
    </message>
</context>
<context>
    <name>SaleWindow</name>
    <message>
        <source>Caisse — {name}</source>
        <translation>Till — {name}</translation>
    </message>
    <message>
        <source>Recherche commande</source>
        <translation>Find order</translation>
    </message>
    <message>
        <source>SIMULATION — mode formation : rien n&apos;est encaissé</source>
        <translation>SIMULATION — training mode: nothing is taken</translation>
    </message>
    <message>
        <source>Clôture Z en cours — terminez-la ou abandonnez-la (Caisse › Clôture Z)</source>
        <translation>Z closure in progress — finish or abandon it (Till › Z closure)</translation>
    </message>
    <message>
        <source>Retrouver une commande (F4)</source>
        <translation>Find an order (F4)</translation>
    </message>
    <message>
        <source>Caisse</source>
        <translation>Till</translation>
    </message>
    <message>
        <source>Lecture X, clôture Z, espèces, historique</source>
        <translation>X reading, Z closure, cash, history</translation>
    </message>
    <message>
        <source>Réglages</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Déconnexion</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Billet {reference} : {label}, commande {order}.</source>
        <translation>Ticket {reference}: {label}, order {order}.</translation>
    </message>
    <message>
        <source>Payeur : {name} (carte {card}).</source>
        <translation>Payer: {name} (card {card}).</translation>
    </message>
    <message>
        <source>Code lu ignoré : fermez d&apos;abord cette fenêtre.</source>
        <translation>Code read and ignored: close this window first.</translation>
    </message>
    <message>
        <source>La vente en cours n&apos;a pas pu être gardée : {error}</source>
        <translation>The sale in progress could not be kept: {error}</translation>
    </message>
    <message>
        <source>La vente en cours n&apos;a pas pu être relue : {error}</source>
        <translation>The sale in progress could not be read back: {error}</translation>
    </message>
    <message>
        <source>Vente en cours reprise : {paid} déjà encaissés, reste {left}.</source>
        <translation>Sale in progress brought back: {paid} already paid, {left} left.</translation>
    </message>
    <message>
        <source>Vente en cours reprise.</source>
        <translation>Sale in progress brought back.</translation>
    </message>
    <message>
        <source>Vente abandonnée, paiements rendus au client.</source>
        <translation>Sale given up, payments handed back to the customer.</translation>
    </message>
    <message>
        <source>Commande {number} enregistrée.</source>
        <translation>Order {number} recorded.</translation>
    </message>
    <message>
        <source>Encaissez ou videz le panier d&apos;abord.</source>
        <translation>Take payment for or empty the basket first.</translation>
    </message>
    <message>
        <source>Clôture Z n° {number} enregistrée.</source>
        <translation>Z closure no. {number} recorded.</translation>
    </message>
    <message>
        <source>La clôture Z reste en cours.</source>
        <translation>The Z closure is still in progress.</translation>
    </message>
    <message>
        <source>Encaissez ou videz le panier avant de vous déconnecter.</source>
        <translation>Take payment for or empty the basket before signing out.</translation>
    </message>
</context>
<context>
    <name>ScanStationWindow</name>
    <message>
        <source>Un scan = une entrée : un billet valable est composté dès sa lecture. Une référence tapée est vérifiée, puis « Composter ».</source>
        <translation>One scan = one entry: a valid ticket is validated as soon as it is read. A typed reference is checked, then “Validate”.</translation>
    </message>
    <message>
        <source>Conflits</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>Statistiques</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>Déconnexion</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Présentez un billet</source>
        <translation>Show a ticket</translation>
    </message>
    <message>
        <source>Référence du billet</source>
        <translation>Ticket reference</translation>
    </message>
    <message>
        <source>Vérifier</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Composter</source>
        <translation>Validate</translation>
    </message>
    <message>
        <source>Détruire</source>
        <translation>Void</translation>
    </message>
    <message>
        <source>Motif de la destruction</source>
        <translation>Why it is voided</translation>
    </message>
    <message>
        <source>Confirmer la destruction</source>
        <translation>Confirm the void</translation>
    </message>
    <message>
        <source>Contrôle des billets — {name}</source>
        <translation>Ticket check — {name}</translation>
    </message>
    <message>
        <source>Effacer</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Caméra : activée</source>
        <translation>Camera: on</translation>
    </message>
    <message>
        <source>Caméra : coupée</source>
        <translation>Camera: off</translation>
    </message>
    <message>
        <source>Ce code n&apos;est pas un billet.</source>
        <translation>This code is not a ticket.</translation>
    </message>
    <message>
        <source>Scannez ou tapez d&apos;abord le billet à détruire.</source>
        <translation>Scan or type the ticket to void first.</translation>
    </message>
    <message>
        <source>Dites pourquoi le billet est détruit.</source>
        <translation>Say why the ticket is voided.</translation>
    </message>
    <message>
        <source>Billet détruit.</source>
        <translation>Ticket voided.</translation>
    </message>
    <message>
        <source>Scannez le QR code ou tapez la référence.</source>
        <translation>Scan the QR code or type the reference.</translation>
    </message>
    <message>
        <source>illimitées</source>
        <translation>unlimited</translation>
    </message>
    <message>
        <source>Billet {reference}</source>
        <translation>Ticket {reference}</translation>
    </message>
    <message>
        <source>Valable du {start} au {end}</source>
        <translation>Valid from {start} to {end}</translation>
    </message>
    <message>
        <source>Entrées : {used} sur {allowed}</source>
        <translation>Entries: {used} of {allowed}</translation>
    </message>
    <message>
        <source>Dernière validation : {when}</source>
        <translation>Last validated: {when}</translation>
    </message>
    <message>
        <source>Entrées aujourd&apos;hui : {today} — cette heure : {hour}</source>
        <translation>Entries today: {today} — this hour: {hour}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Réglages</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Affiché au toucher</source>
        <translation>Shown on touch</translation>
    </message>
    <message>
        <source>Non (clavier physique)</source>
        <translation>No (physical keyboard)</translation>
    </message>
    <message>
        <source>Fenêtre agrandie</source>
        <translation>Maximised window</translation>
    </message>
    <message>
        <source>Plein écran (kiosque)</source>
        <translation>Full screen (kiosk)</translation>
    </message>
    <message>
        <source>Non</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Oui</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Langue des écrans</source>
        <translation>Screen language</translation>
    </message>
    <message>
        <source>Clavier à l&apos;écran</source>
        <translation>On-screen keyboard</translation>
    </message>
    <message>
        <source>Écran</source>
        <translation>Screen</translation>
    </message>
    <message>
        <source>Demander le code postal à chaque commande</source>
        <translation>Ask the postal code with every order</translation>
    </message>
    <message>
        <source>Enregistré : réglages appliqués à la prochaine connexion.</source>
        <translation>Saved: settings applied at the next sign-in.</translation>
    </message>
    <message>
        <source>Enregistré : appliqué dès la prochaine vente.</source>
        <translation>Saved: applied from the next sale.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Caisse — Connexion</source>
        <translation>Till — Sign in</translation>
    </message>
    <message>
        <source>Quitter la caisse</source>
        <translation>Quit the till</translation>
    </message>
    <message>
        <source>Quitter le programme de caisse ?</source>
        <translation>Quit the till program?</translation>
    </message>
    <message>
        <source>Oui, quitter</source>
        <translation>Yes, quit</translation>
    </message>
    <message>
        <source>Non, rester</source>
        <translation>No, stay</translation>
    </message>
    <message>
        <source>Se connecter</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Identifiant</source>
        <translation>Identifier</translation>
    </message>
    <message>
        <source>Code secret</source>
        <translation>Secret code</translation>
    </message>
    <message>
        <source>Point de vente et caisse</source>
        <translation>Point of sale and till</translation>
    </message>
    <message>
        <source>Qui êtes-vous ?</source>
        <translation>Who are you?</translation>
    </message>
    <message>
        <source>Caisse</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <source>Contrôle</source>
        <translation>Checker</translation>
    </message>
    <message>
        <source>Responsable</source>
        <translation>Manager</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>ouverte</source>
        <translation>open</translation>
    </message>
    <message>
        <source>clôture en cours</source>
        <translation>closing</translation>
    </message>
    <message>
        <source>fermée</source>
        <translation>closed</translation>
    </message>
    <message>
        <source>Choisissez une caisse.</source>
        <translation>Choose a till.</translation>
    </message>
</context>
<context>
    <name>SlotDialog</name>
    <message>
        <source>Aujourd&apos;hui</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Semaine</source>
        <translation>Week</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Places</source>
        <translation>Places</translation>
    </message>
    <message>
        <source>Aucun créneau cette semaine.</source>
        <translation>No slot this week.</translation>
    </message>
    <message>
        <source>Aucun créneau ce jour.</source>
        <translation>No slot this day.</translation>
    </message>
    <message>
        <source>Terminé</source>
        <translation>Over</translation>
    </message>
    <message>
        <source>{count} au panier</source>
        <translation>{count} in the basket</translation>
    </message>
</context>
<context>
    <name>StaffLocksDialog</name>
    <message>
        <source>Personnel bloqué</source>
        <translation>Locked staff</translation>
    </message>
    <message>
        <source>Débloquer</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>La personne peut se reconnecter tout de suite (inscrit au journal)</source>
        <translation>They can sign in again at once (journaled)</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>{name} ({login}) — bloqué jusqu&apos;à {time}</source>
        <translation>{name} ({login}) — locked until {time}</translation>
    </message>
    <message>
        <source>Personne n&apos;est bloqué.</source>
        <translation>Nobody is locked out.</translation>
    </message>
    <message>
        <source>{name} peut se reconnecter.</source>
        <translation>{name} can sign in again.</translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <source>Synchronisation</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>Enregistrement</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Heure</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Motif du serveur</source>
        <translation>Server&apos;s reason</translation>
    </message>
    <message>
        <source>Aucun : le serveur a tout accepté.</source>
        <translation>None: the server accepted everything.</translation>
    </message>
    <message>
        <source>Chaîne</source>
        <translation>Chain</translation>
    </message>
    <message>
        <source>Sur la caisse</source>
        <translation>On the till</translation>
    </message>
    <message>
        <source>Acquittée par le serveur</source>
        <translation>Acknowledged by the server</translation>
    </message>
    <message>
        <source>Signalement</source>
        <translation>Flag</translation>
    </message>
    <message>
        <source>Synchroniser maintenant</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Serveur</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Poste</source>
        <translation>Till</translation>
    </message>
    <message>
        <source>État</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Dernier contact</source>
        <translation>Last contact</translation>
    </message>
    <message>
        <source>Enregistrements</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>Journal</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Horloge</source>
        <translation>Clock</translation>
    </message>
    <message>
        <source>Journal fiscal</source>
        <translation>Fiscal journal</translation>
    </message>
    <message>
        <source>Ce poste n&apos;est inscrit auprès d&apos;aucun serveur : un responsable l&apos;inscrit avec « caisse enrol ».</source>
        <translation>This till is not enrolled with any server: a manager enrols it with “caisse enrol”.</translation>
    </message>
    <message>
        <source>{name} (inscrit le {date})</source>
        <translation>{name} (enrolled on {date})</translation>
    </message>
    <message>
        <source>jamais</source>
        <translation>never</translation>
    </message>
    <message>
        <source>pas encore mesurée</source>
        <translation>not measured yet</translation>
    </message>
    <message>
        <source>Dernière erreur (détail technique) : {error}</source>
        <translation>Last error (technical detail): {error}</translation>
    </message>
    <message>
        <source>{waiting}, {sent} envoyé(s), {rejected}</source>
        <translation>{waiting}, {sent} sent, {rejected}</translation>
    </message>
    <message>
        <source>{count} entrée(s) à envoyer</source>
        <translation>{count} entries to send</translation>
    </message>
    <message>
        <source>{number} (depuis le {time}) : {reason}</source>
        <translation>{number} (since {time}): {reason}</translation>
    </message>
    <message>
        <source>Commandes d&apos;autres caisses pas encore reprises ici : {count} (gardées, réessayées à chaque synchronisation)</source>
        <translation>Orders of other tills not taken in here yet: {count} (kept, tried again at each synchronisation)</translation>
    </message>
    <message>
        <source>Enregistrements rejetés par le serveur : {count}</source>
        <translation>Records rejected by the server: {count}</translation>
    </message>
    <message>
        <source>n° {number}</source>
        <translation>no. {number}</translation>
    </message>
    <message>
        <source>Signalée : {reason}</source>
        <translation>Flagged: {reason}</translation>
    </message>
    <message>
        <source>pas encore</source>
        <translation>not yet</translation>
    </message>
    <message>
        <source>n° {number} ({hash}…)</source>
        <translation>no. {number} ({hash}…)</translation>
    </message>
    <message>
        <source> le {date}</source>
        <translation> on {date}</translation>
    </message>
    <message>
        <source>Ventes</source>
        <translation>Sales</translation>
    </message>
    <message>
        <source>Clôtures</source>
        <translation>Closures</translation>
    </message>
    <message>
        <source>Événements</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>Vente</source>
        <translation>Sale</translation>
    </message>
    <message>
        <source>Paiement</source>
        <translation>Payment</translation>
    </message>
    <message>
        <source>Annulation</source>
        <translation>Cancellation</translation>
    </message>
    <message>
        <source>Retour (avoir)</source>
        <translation>Return (credit note)</translation>
    </message>
    <message>
        <source>Remboursement</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>Mouvement d&apos;espèces</source>
        <translation>Cash movement</translation>
    </message>
    <message>
        <source>Clôture</source>
        <translation>Closure</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Customer</translation>
    </message>
    <message>
        <source>Connexion</source>
        <translation>Sign-in</translation>
    </message>
    <message>
        <source>Déconnexion</source>
        <translation>Sign-out</translation>
    </message>
    <message>
        <source>Ouverture de caisse</source>
        <translation>Till opened</translation>
    </message>
    <message>
        <source>Synchronisation en cours…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>La synchronisation n&apos;a pas pu se faire (voir « Dernière erreur » ; ce poste est-il inscrit ?). Rien n&apos;est perdu.</source>
        <translation>The sync could not be done (see “Last error”; is this till enrolled?). Nothing is lost.</translation>
    </message>
    <message>
        <source>Synchronisé à {time} : {sent} enregistrement(s) envoyé(s), {rejected} rejeté(s) ; {entries} entrée(s) du journal acquittée(s).</source>
        <translation>Synced at {time}: {sent} record(s) sent, {rejected} rejected; {entries} journal entries acknowledged.</translation>
    </message>
    <message>
        <source>{count} à renvoyer : le serveur a demandé d&apos;attendre.</source>
        <translation>{count} to send again: the server asked to wait.</translation>
    </message>
</context>
<context>
    <name>TillMenu</name>
    <message>
        <source>Caisse</source>
        <translation>Till</translation>
    </message>
    <message>
        <source>Lecture X</source>
        <translation>X reading</translation>
    </message>
    <message>
        <source>Clôture Z</source>
        <translation>Z closure</translation>
    </message>
    <message>
        <source>Fond de caisse, apport, retrait</source>
        <translation>Opening float, cash in, cash out</translation>
    </message>
    <message>
        <source>Historique des clôtures</source>
        <translation>Closure history</translation>
    </message>
    <message>
        <source>Ouvrir le tiroir</source>
        <translation>Open the drawer</translation>
    </message>
    <message>
        <source>Périphériques</source>
        <translation>Devices</translation>
    </message>
    <message>
        <source>Synchronisation</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>Règles de la caisse</source>
        <translation>Till rules</translation>
    </message>
    <message>
        <source>Entrées et conflits (billets)</source>
        <translation>Entries and conflicts (tickets)</translation>
    </message>
    <message>
        <source>Personnel bloqué</source>
        <translation>Locked staff</translation>
    </message>
    <message>
        <source>Quitter le mode formation</source>
        <translation>Leave training mode</translation>
    </message>
    <message>
        <source>Mode formation (simulation)</source>
        <translation>Training mode (simulation)</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>{what} : rien n&apos;a été enregistré.</source>
        <translation>{what}: nothing was saved.</translation>
    </message>
    <message>
        <source>Plus assez en stock : {wanted} demandés, {left} restants.</source>
        <translation>Not enough in stock: {wanted} asked, {left} left.</translation>
    </message>
    <message>
        <source>Plus assez de places : {wanted} demandées, {left} restantes.</source>
        <translation>Not enough places: {wanted} asked, {left} left.</translation>
    </message>
    <message>
        <source>Identifiant ou code secret incorrect.</source>
        <translation>Wrong identifier or secret code.</translation>
    </message>
    <message>
        <source>Trop d&apos;essais incorrects : cet identifiant est bloqué jusqu&apos;à {time}. Un responsable peut le débloquer (Caisse › Personnel bloqué).</source>
        <translation>Too many wrong tries: this identifier is locked until {time}. A manager can unlock it (Till › Locked staff).</translation>
    </message>
    <message>
        <source>Code-barres inconnu : {code}</source>
        <translation>Unknown barcode: {code}</translation>
    </message>
    <message>
        <source>Ce produit se vend par créneau : choisissez-en un.</source>
        <translation>This product is sold by slot: choose one.</translation>
    </message>
    <message>
        <source>Ce créneau est terminé ({time}) : choisissez-en un autre.</source>
        <translation>This slot is over ({time}): choose another one.</translation>
    </message>
    <message>
        <source>Ce créneau n&apos;existe plus : choisissez-en un autre.</source>
        <translation>This slot no longer exists: choose another one.</translation>
    </message>
    <message>
        <source>Ce créneau n&apos;est pas un créneau de ce produit.</source>
        <translation>This slot is not one of this product&apos;s.</translation>
    </message>
    <message>
        <source>Ce produit ne peut pas être vendu (brouillon ou sans tarif).</source>
        <translation>This product cannot be sold (draft or no price).</translation>
    </message>
    <message>
        <source>Le panier est vide.</source>
        <translation>The basket is empty.</translation>
    </message>
    <message>
        <source>Le montant dépasse le reste à payer ({amount}).</source>
        <translation>The amount is more than what is left to pay ({amount}).</translation>
    </message>
    <message>
        <source>Il reste {amount} à payer.</source>
        <translation>{amount} is left to pay.</translation>
    </message>
    <message>
        <source>Ce mode de paiement n&apos;est pas disponible.</source>
        <translation>This payment method is not available.</translation>
    </message>
    <message>
        <source>Votre profil ne permet pas cette action.</source>
        <translation>Your profile does not allow this action.</translation>
    </message>
    <message>
        <source>La commande {number} est déjà annulée.</source>
        <translation>Order {number} is already cancelled.</translation>
    </message>
    <message>
        <source>Le disque de la caisse est plein</source>
        <translation>The till&apos;s disk is full</translation>
    </message>
    <message>
        <source>Libérez de la place, puis recommencez.</source>
        <translation>Free some space, then try again.</translation>
    </message>
    <message>
        <source>La base de la caisse est occupée</source>
        <translation>The till&apos;s database is busy</translation>
    </message>
    <message>
        <source>Réessayez.</source>
        <translation>Try again.</translation>
    </message>
    <message>
        <source>La base de la caisse est endommagée</source>
        <translation>The till&apos;s database is damaged</translation>
    </message>
    <message>
        <source>Prévenez un responsable.</source>
        <translation>Tell a manager.</translation>
    </message>
    <message>
        <source>La base de la caisse ne peut pas être écrite</source>
        <translation>The till&apos;s database cannot be written</translation>
    </message>
    <message>
        <source>Indiquez le nom du client.</source>
        <translation>Give the customer&apos;s name.</translation>
    </message>
    <message>
        <source>La carte {code} est déjà celle de {holder}.</source>
        <translation>Card {code} is already {holder}&apos;s.</translation>
    </message>
    <message>
        <source>Montant trop élevé : « {text} ». La caisse prend au plus {maximum}.</source>
        <translation>Amount too large: “{text}”. The till takes at most {maximum}.</translation>
    </message>
    <message>
        <source>Quantité trop élevée : une ligne compte au plus {maximum} articles.</source>
        <translation>Quantity too large: a line holds at most {maximum} items.</translation>
    </message>
    <message>
        <source>Réglage « {name} » : « {text} » n&apos;est pas une valeur possible.</source>
        <translation>Rule “{name}”: “{text}” is not a possible value.</translation>
    </message>
    <message>
        <source>Remise incorrecte : « {text} ». Indiquez un montant (2,00) ou un pourcentage entier (10 %).</source>
        <translation>Wrong discount: “{text}”. Give an amount (2.00) or a whole percentage (10%).</translation>
    </message>
    <message>
        <source>Une remise ne peut pas être négative.</source>
        <translation>A discount cannot be negative.</translation>
    </message>
    <message>
        <source>La remise ({amount}) dépasse le montant auquel elle s&apos;applique ({base}).</source>
        <translation>The discount ({amount}) is more than the amount it applies to ({base}).</translation>
    </message>
    <message>
        <source>La remise dépasse le maximum permis par la caisse ({percent} %).</source>
        <translation>The discount is more than the till allows ({percent}%).</translation>
    </message>
    <message>
        <source>Indiquez le motif de la remise.</source>
        <translation>Give the reason for the discount.</translation>
    </message>
    <message>
        <source>Montant incorrect : « {text} ».</source>
        <translation>Wrong amount: “{text}”.</translation>
    </message>
    <message>
        <source>« {text} » n&apos;est pas un code postal français : 5 chiffres, de 01000 à 98999. Sinon, choisissez « Étranger » ou « Non communiqué ».</source>
        <translation>“{text}” is not a French postal code: 5 digits, from 01000 to 98999. Otherwise choose “Abroad” or “Not given”.</translation>
    </message>
    <message>
        <source>La quantité doit être un nombre entier d&apos;au moins 1.</source>
        <translation>The quantity must be a whole number of at least 1.</translation>
    </message>
    <message>
        <source>Aucune commande n&apos;a le numéro {number}.</source>
        <translation>No order is numbered {number}.</translation>
    </message>
    <message>
        <source>Le journal a été altéré : l&apos;écriture de {number} ne se vérifie pas, rien n&apos;est imprimé. Faites vérifier le journal (« caisse journal verify »).</source>
        <translation>The journal was altered: the entry of {number} does not check, nothing is printed. Have the journal verified (“caisse journal verify”).</translation>
    </message>
    <message>
        <source>Il ne reste rien à payer.</source>
        <translation>Nothing is left to pay.</translation>
    </message>
    <message>
        <source>La commande {number} n&apos;a pas été payée au-delà de ce qu&apos;elle vaut : rien n&apos;est à rendre.</source>
        <translation>Order {number} was not paid beyond its worth: nothing is to be given back.</translation>
    </message>
    <message>
        <source>Indiquez le motif de l&apos;annulation.</source>
        <translation>Give the reason for the cancellation.</translation>
    </message>
    <message>
        <source>Cette caisse n&apos;est pas celle de ce poste.</source>
        <translation>This till does not belong to this terminal.</translation>
    </message>
    <message>
        <source>Cette caisse n&apos;est pas encore installée : lancez « caisse init ».</source>
        <translation>This till is not set up yet: run “caisse init”.</translation>
    </message>
    <message>
        <source>Les réglages n&apos;ont pas pu être enregistrés dans {path}.</source>
        <translation>The settings could not be saved in {path}.</translation>
    </message>
    <message>
        <source>Clôture Z en cours — terminez-la ou abandonnez-la (Caisse › Clôture Z).</source>
        <translation>Z closure in progress — finish or abandon it (Till › Z closure).</translation>
    </message>
    <message>
        <source>Aucune clôture n&apos;est en cours.</source>
        <translation>No closure is in progress.</translation>
    </message>
    <message>
        <source>Un écart de {gap} (plus de {threshold}) demande un motif.</source>
        <translation>A difference of {gap} (more than {threshold}) needs a reason.</translation>
    </message>
    <message>
        <source>Comptage à l&apos;aveugle : saisissez les espèces comptées.</source>
        <translation>Blind count: enter the cash counted.</translation>
    </message>
    <message>
        <source>La caisse est ouverte depuis le {time} sans clôture Z : faites la clôture avant de vendre.</source>
        <translation>The till has been open since {time} without a Z closure: close it before selling.</translation>
    </message>
    <message>
        <source>La caisse est fermée : il n&apos;y a rien à clôturer.</source>
        <translation>The till is closed: there is nothing to close.</translation>
    </message>
    <message>
        <source>Comptage des espèces refusé : {detail}</source>
        <translation>Cash count refused: {detail}</translation>
    </message>
    <message>
        <source>Indiquez le motif de l&apos;apport ou du retrait.</source>
        <translation>Give the reason for the cash added or taken out.</translation>
    </message>
    <message>
        <source>Les ventes et le journal fiscal ne concordent pas</source>
        <translation>The sales and the fiscal journal disagree</translation>
    </message>
    <message>
        <source>Prévenez un responsable (caisse journal verify).</source>
        <translation>Tell a manager (caisse journal verify).</translation>
    </message>
    <message>
        <source>L&apos;imprimante ne répond pas ({detail}) : rien n&apos;est perdu, l&apos;impression attend qu&apos;elle revienne.</source>
        <translation>The printer does not answer ({detail}): nothing is lost, printing waits until it is back.</translation>
    </message>
    <message>
        <source>Ce document n&apos;attend plus dans la file (imprimé ou supprimé entre-temps).</source>
        <translation>This document is no longer waiting in the queue (printed or deleted meanwhile).</translation>
    </message>
    <message>
        <source>Le lecteur de codes ne répond pas ({detail}) : saisissez le code ou utilisez un autre lecteur.</source>
        <translation>The code reader does not answer ({detail}): type the code or use another reader.</translation>
    </message>
    <message>
        <source>Les réglages n&apos;ont pas pu être enregistrés ({detail}) : les précédents restent en place.</source>
        <translation>The settings could not be saved ({detail}): the previous ones stay in use.</translation>
    </message>
    <message>
        <source>La clé de signature de la caisse est introuvable</source>
        <translation>The till&apos;s signing key cannot be found</translation>
    </message>
    <message>
        <source>Rembourser {asked} dépasse ce qui est dû au client ({owed}).</source>
        <translation>Refunding {asked} is more than the customer is owed ({owed}).</translation>
    </message>
    <message>
        <source>Les remboursements font {asked}, mais {owed} sont dus au client.</source>
        <translation>The refunds come to {asked}, but the customer is owed {owed}.</translation>
    </message>
    <message>
        <source>Un remboursement est un montant positif.</source>
        <translation>A refund is a positive amount.</translation>
    </message>
    <message>
        <source>Ligne {line} : {asked} à reprendre, mais {left} seulement peuvent l&apos;être.</source>
        <translation>Line {line}: {asked} to take back, but only {left} can be.</translation>
    </message>
    <message>
        <source>Choisissez au moins une ligne à reprendre.</source>
        <translation>Choose at least one line to take back.</translation>
    </message>
    <message>
        <source>La commande {number} a été vendue à la caisse « {till} » : ses retours, son annulation et son trop-perçu se règlent là-bas.</source>
        <translation>Order {number} was sold at till “{till}”: its returns, cancellation and overpayment are settled there.</translation>
    </message>
    <message>
        <source>La commande {number} n&apos;a pas de ligne {line}.</source>
        <translation>Order {number} has no line {line}.</translation>
    </message>
    <message>
        <source>Indiquez le motif.</source>
        <translation>Give the reason.</translation>
    </message>
    <message>
        <source>{paid} ont déjà été encaissés : le panier ne peut pas descendre en dessous.</source>
        <translation>{paid} was already paid: the basket cannot go below it.</translation>
    </message>
    <message>
        <source>La vente en cours a déjà reçu {paid} : terminez-la, ou rendez ces paiements et abandonnez-la.</source>
        <translation>The sale in progress has already received {paid}: finish it, or hand those payments back and give it up.</translation>
    </message>
    <message>
        <source>Aucune vente n&apos;est en cours.</source>
        <translation>No sale is in progress.</translation>
    </message>
    <message>
        <source>Ce panier a déjà reçu {paid} : il ne peut pas être mis en attente. Terminez la vente, ou rendez ces paiements d&apos;abord.</source>
        <translation>This basket has already received {paid}: it cannot be put on hold. Finish the sale, or hand those payments back first.</translation>
    </message>
    <message>
        <source>Ce panier n&apos;est plus en attente : il a été repris ou supprimé.</source>
        <translation>This basket is no longer on hold: it was taken up or deleted.</translation>
    </message>
    <message>
        <source>Une vente est en cours : mettez-la en attente ou terminez-la d&apos;abord.</source>
        <translation>A sale is in progress: put it on hold or finish it first.</translation>
    </message>
    <message>
        <source>Nom trop long : {maximum} caractères au plus.</source>
        <translation>Name too long: {maximum} characters at most.</translation>
    </message>
    <message>
        <source>{login} n&apos;est pas bloqué : rien à débloquer.</source>
        <translation>{login} is not locked out: there is nothing to unlock.</translation>
    </message>
    <message>
        <source>Aucun membre du personnel n&apos;a l&apos;identifiant {login}.</source>
        <translation>No staff member has the identifier {login}.</translation>
    </message>
    <message>
        <source>{asked} en espèces, c&apos;est plus que le tiroir ne contient ({held}) : rendez le reste autrement.</source>
        <translation>{asked} in cash is more than the drawer holds ({held}): give the rest back another way.</translation>
    </message>
    <message>
        <source>Le motif est trop long : {maximum} caractères au plus.</source>
        <translation>The reason is too long: {maximum} characters at most.</translation>
    </message>
    <message>
        <source>Les espèces comptées ne peuvent pas être négatives.</source>
        <translation>The counted cash cannot be negative.</translation>
    </message>
    <message>
        <source>La vente est payée : validez-la.</source>
        <translation>The sale is paid: validate it.</translation>
    </message>
    <message>
        <source>La vente en cours a été modifiée ailleurs : vérifiez-la avant de la valider.</source>
        <translation>The sale in progress was changed elsewhere: check it before validating it.</translation>
    </message>
    <message>
        <source>La commande recevrait {amount} de plus que sa valeur : rien n&apos;a été enregistré.</source>
        <translation>The order would receive {amount} more than it is worth: nothing was recorded.</translation>
    </message>
    <message>
        <source>Action refusée : {detail}</source>
        <translation>Action refused: {detail}</translation>
    </message>
    <message>
        <source>plus de papier</source>
        <translation>out of paper</translation>
    </message>
    <message>
        <source>capot ouvert</source>
        <translation>cover open</translation>
    </message>
    <message>
        <source>hors ligne</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>pas de réponse à la demande d&apos;état (si elle n&apos;y répond jamais, décochez « Demander son état » dans Caisse › Périphériques)</source>
        <translation>no answer to the status query (if it never answers, untick “Ask its status” in Caisse › Périphériques)</translation>
    </message>
    <message>
        <source>aucun tiroir configuré</source>
        <translation>no cash drawer set</translation>
    </message>
    <message>
        <source>l&apos;ouverture n&apos;a pas pu être faite à temps (impression en cours ?)</source>
        <translation>it could not be opened in time (printing under way?)</translation>
    </message>
    <message>
        <source>un code commencé par son préfixe n&apos;a jamais été terminé : ses touches ont été tapées telles quelles (vérifiez le suffixe réglé dans Caisse › Périphériques)</source>
        <translation>a code begun by its prefix never ended: its keys were typed as they came (check the suffix set in Till › Devices)</translation>
    </message>
    <message>
        <source>Aucune imprimante configurée : le ticket attend dans la file (Caisse › Périphériques).</source>
        <translation>No printer set up: the ticket waits in the queue (Till › Devices).</translation>
    </message>
    <message>
        <source>Imprimante : {problem}. Rien n&apos;est perdu : les tickets attendent et s&apos;impriment dès qu&apos;elle repart.</source>
        <translation>Printer: {problem}. Nothing is lost: receipts wait and print as soon as it works again.</translation>
    </message>
    <message>
        <source>Tiroir-caisse : {problem}. Ouvrez-le à la clé si besoin.</source>
        <translation>Cash drawer: {problem}. Open it with its key if needed.</translation>
    </message>
    <message>
        <source>Lecteur de codes série : {problem}. Il est rouvert dès qu&apos;il revient ; tapez les codes en attendant.</source>
        <translation>Serial code reader: {problem}. It is opened again as soon as it is back; type the codes meanwhile.</translation>
    </message>
    <message>
        <source>Lecteur clavier : {problem}.</source>
        <translation>Keyboard scanner: {problem}.</translation>
    </message>
    <message>
        <source>Caméra : {problem}. Elle est rouverte dès qu&apos;elle revient.</source>
        <translation>Camera: {problem}. It is opened again as soon as it is back.</translation>
    </message>
    <message>
        <source>Périphériques : {problem}. Nouvel essai automatique ; les tickets attendent dans la file.</source>
        <translation>Devices: {problem}. Trying again automatically; receipts wait in the queue.</translation>
    </message>
    <message>
        <source>Lecteur de codes {device} : {problem}.</source>
        <translation>Code reader {device}: {problem}.</translation>
    </message>
    <message>
        <source>un code connu</source>
        <translation>a known code</translation>
    </message>
    <message>
        <source>un produit</source>
        <translation>a product</translation>
    </message>
    <message>
        <source>un ticket de caisse</source>
        <translation>a receipt</translation>
    </message>
    <message>
        <source>un billet</source>
        <translation>an admission ticket</translation>
    </message>
    <message>
        <source>une carte client</source>
        <translation>a customer card</translation>
    </message>
    <message>
        <source>Commande {number} : une vente de formation ne s&apos;ouvre qu&apos;en mode formation.</source>
        <translation>Order {number}: a training sale opens in training mode only.</translation>
    </message>
    <message>
        <source>Commande {number} : en mode formation, seules les ventes de formation s&apos;ouvrent.</source>
        <translation>Order {number}: in training mode, only training sales open.</translation>
    </message>
    <message>
        <source>Code {symbology} ignoré : ce type de code ne sert ni aux produits, ni aux tickets, ni aux billets, ni aux cartes client ici.</source>
        <translation>{symbology} code ignored: this kind of code is used for no product, receipt, admission ticket or customer card here.</translation>
    </message>
    <message>
        <source>Code ignoré : {what} n&apos;est jamais imprimé en {symbology} (lecture partielle ?). Relisez le code.</source>
        <translation>Code ignored: {what} is never printed as {symbology} (a partial read?). Scan the code again.</translation>
    </message>
    <message>
        <source>Billet {code} : la commande {order} est inconnue de cette caisse.</source>
        <translation>Ticket {code}: order {order} is unknown to this till.</translation>
    </message>
    <message>
        <source>Billet {code} : la commande {order} n&apos;a pas cette entrée (référence erronée).</source>
        <translation>Ticket {code}: order {order} has no such admission (wrong reference).</translation>
    </message>
    <message>
        <source>Billet illisible : {code} (commande {order}). Relisez-le ou cherchez la commande.</source>
        <translation>Unreadable ticket: {code} (order {order}). Scan it again or look the order up.</translation>
    </message>
    <message>
        <source>Ce code est {what} : il ne sert pas dans cette fenêtre.</source>
        <translation>This code is {what}: it is of no use in this window.</translation>
    </message>
    <message>
        <source>Code inconnu : {code}. Ce n&apos;est ni un produit, ni un ticket de caisse, ni un billet, ni une carte client.</source>
        <translation>Unknown code: {code}. It is no product, receipt, admission ticket or customer card.</translation>
    </message>
    <message>
        <source>Horloge : la caisse n&apos;avait rien écrit depuis le {newest} ; il est le {clock}. Si elle est restée éteinte, tout va bien ; sinon, faites remettre la date et l&apos;heure à jour.</source>
        <translation>Clock: the till had recorded nothing since {newest}; it is now {clock}. If it was switched off, all is well; otherwise have the date and time set right.</translation>
    </message>
    <message>
        <source>en retard sur</source>
        <translation>behind</translation>
    </message>
    <message>
        <source>en avance sur</source>
        <translation>ahead of</translation>
    </message>
    <message>
        <source>Horloge : l&apos;ordinateur indique le {clock}, {way} la dernière écriture de la caisse ({newest}). C&apos;est inscrit au journal ; la vente continue. Faites remettre la date et l&apos;heure à jour.</source>
        <translation>Clock: the computer says {clock}, {way} the till&apos;s last record ({newest}). This is recorded in the journal; selling goes on. Have the date and time set right.</translation>
    </message>
    <message>
        <source>Ce poste n&apos;est plus inscrit auprès du serveur (jeton refusé ou révoqué). Ses enregistrements restent sur la caisse : voyez l&apos;administrateur du serveur.</source>
        <translation>This till is no longer enrolled with the server (token refused or revoked). Its records stay on the till: see the server&apos;s administrator.</translation>
    </message>
    <message>
        <source>Le jeton du serveur est introuvable ou illisible : rien n&apos;est perdu ; faites inscrire le poste de nouveau.</source>
        <translation>The server token cannot be found or read: nothing is lost; have the till enrolled again.</translation>
    </message>
    <message>
        <source>La réponse du serveur est illisible : rien n&apos;est perdu, l&apos;envoi sera refait.</source>
        <translation>The server&apos;s reply cannot be read: nothing is lost, it will be sent again.</translation>
    </message>
    <message>
        <source>Le serveur ne répond pas : rien n&apos;est perdu, tout partira dès qu&apos;il répondra.</source>
        <translation>The server does not answer: nothing is lost, everything goes as soon as it answers.</translation>
    </message>
    <message>
        <source>Le serveur refuse la demande ({status}) : {reason}. Rien n&apos;est perdu ; voyez l&apos;administrateur du serveur.</source>
        <translation>The server refused the request ({status}): {reason}. Nothing is lost; see the server&apos;s administrator.</translation>
    </message>
    <message>
        <source>{hours} h {minutes:02d} min</source>
        <translation>{hours} h {minutes:02d} min</translation>
    </message>
    <message>
        <source>{minutes} min {seconds:02d} s</source>
        <translation>{minutes} min {seconds:02d} s</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <source>À l&apos;heure du serveur (écart de {gap}).</source>
        <translation>On the server&apos;s time (off by {gap}).</translation>
    </message>
    <message>
        <source>L&apos;horloge de la caisse retarde de {gap} sur celle du serveur</source>
        <translation>The till&apos;s clock is {gap} behind the server&apos;s</translation>
    </message>
    <message>
        <source>L&apos;horloge de la caisse avance de {gap} sur celle du serveur</source>
        <translation>The till&apos;s clock is {gap} ahead of the server&apos;s</translation>
    </message>
    <message>
        <source>{sentence} (plus de {tolerance} min) : c&apos;est inscrit au journal ; faites remettre l&apos;heure à jour.</source>
        <translation>{sentence} (more than {tolerance} min): this is recorded in the journal; have the time set right.</translation>
    </message>
    <message>
        <source>Une erreur inattendue est survenue</source>
        <translation>An unexpected error occurred</translation>
    </message>
    <message>
        <source>ENTRÉE VALIDÉE</source>
        <translation>ENTRY VALIDATED</translation>
    </message>
    <message>
        <source>BILLET VALABLE</source>
        <translation>VALID TICKET</translation>
    </message>
    <message>
        <source>PAS ICI OU PAS ENCORE</source>
        <translation>NOT HERE OR NOT YET</translation>
    </message>
    <message>
        <source>REFUSÉ</source>
        <translation>REFUSED</translation>
    </message>
    <message>
        <source>Billet valable : bonne visite !</source>
        <translation>Valid ticket: enjoy your visit!</translation>
    </message>
    <message>
        <source>Billet inconnu : aucune vente ne porte cette référence.</source>
        <translation>Unknown ticket: no sale bears this reference.</translation>
    </message>
    <message>
        <source>Billet illisible ou falsifié : sa signature ne tient pas.</source>
        <translation>Unreadable or forged ticket: its signature does not hold.</translation>
    </message>
    <message>
        <source>Billet détruit le {when}.</source>
        <translation>Ticket voided on {when}.</translation>
    </message>
    <message>
        <source>Billet annulé le {when} (commande annulée ou remboursée).</source>
        <translation>Ticket revoked on {when} (order cancelled or refunded).</translation>
    </message>
    <message>
        <source>La commande de ce billet est annulée.</source>
        <translation>This ticket&apos;s order is cancelled.</translation>
    </message>
    <message>
        <source>La commande de ce billet n&apos;est pas payée : passez en caisse.</source>
        <translation>This ticket&apos;s order is not paid: go to the till.</translation>
    </message>
    <message>
        <source>Ce billet n&apos;est pas valable à ce contrôle.</source>
        <translation>This ticket is not valid at this gate.</translation>
    </message>
    <message>
        <source>Trop tôt : valable à partir du {when}.</source>
        <translation>Too early: valid from {when}.</translation>
    </message>
    <message>
        <source>Billet expiré depuis le {when}.</source>
        <translation>Ticket expired on {when}.</translation>
    </message>
    <message>
        <source>Déjà utilisé : {used} entrée(s) sur {allowed}.</source>
        <translation>Already used: {used} entry(ies) of {allowed}.</translation>
    </message>
</context>
<context>
    <name>slots</name>
    <message>
        <source>lun.</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>mar.</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>mer.</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>jeu.</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>ven.</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>sam.</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>dim.</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>du {first} au {last}</source>
        <translation>{first} to {last}</translation>
    </message>
    <message>
        <source>du {first} au {last}, {hours}</source>
        <translation>{first} to {last}, {hours}</translation>
    </message>
    <message>
        <source>Complet</source>
        <translation>Full</translation>
    </message>
    <message>
        <source>1 place</source>
        <translation>1 place</translation>
    </message>
    <message>
        <source>{count} places</source>
        <translation>{count} places</translation>
    </message>
</context>
<context>
    <name>sync</name>
    <message>
        <source>En ligne</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>En attente du serveur</source>
        <translation>Waiting for the server</translation>
    </message>
    <message>
        <source>Hors ligne depuis {time}</source>
        <translation>Offline since {time}</translation>
    </message>
    <message>
        <source>Hors ligne depuis le {date} à {time}</source>
        <translation>Offline since {date} at {time}</translation>
    </message>
    <message>
        <source>Envoi : {done} / {total}</source>
        <translation>Sending: {done} / {total}</translation>
    </message>
    <message>
        <source>{count} en attente</source>
        <translation>{count} waiting</translation>
    </message>
    <message>
        <source>{count} rejeté(s)</source>
        <translation>{count} rejected</translation>
    </message>
    <message>
        <source>Journal signalé</source>
        <translation>Journal flagged</translation>
    </message>
    <message>
        <source>Horloge décalée de {gap}</source>
        <translation>Clock off by {gap}</translation>
    </message>
</context>
</TS>

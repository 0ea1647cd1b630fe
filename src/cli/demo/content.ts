import type { CategoryName } from '../../core/schemas/common.ts';

/**
 * The words of the demo catalogue, in French and English (with their accents): partner names,
 * offer ideas and the phrases around them. `{name}`, `{city}` and `{discount}` in a template are
 * replaced by the partner's name, the city and the discount as written in that language.
 */

export type Lang = 'fr' | 'en';

/** Recurring windows an offer may run in (schedules of API.md, "Offers"), in the establishment's local time. */
export type ScheduleKind = 'afterwork' | 'late' | 'lunch' | 'brunch' | 'weekday-daytime' | 'tuesday';

/** One kind of offer: its title and description templates, and the window it runs in, if any. */
export interface OfferIdea {
  title: string;
  description: string;
  schedule?: ScheduleKind;
}

/** What one category says, per language. */
export interface CategoryWords {
  /** A partner name is `<head> <tail>`. */
  heads: string[];
  tails: string[];
  /** Partner descriptions. */
  about: string[];
  offers: OfferIdea[];
}

type Words = Record<CategoryName, Record<Lang, CategoryWords>>;

/** Windows of each schedule kind: days (0 = Sunday) and HH:MM start/end; an end at or before the start crosses midnight. */
export const SCHEDULES: Record<ScheduleKind, { days: number[]; start: string; end: string }> = {
  afterwork: { days: [1, 2, 3, 4, 5], start: '17:00', end: '20:00' },
  late: { days: [4, 5, 6], start: '22:00', end: '02:00' },
  lunch: { days: [1, 2, 3, 4, 5], start: '12:00', end: '14:30' },
  brunch: { days: [0], start: '10:30', end: '15:00' },
  'weekday-daytime': { days: [1, 2, 3, 4, 5], start: '10:00', end: '17:00' },
  tuesday: { days: [2], start: '10:00', end: '00:00' },
};

export const WORDS: Words = {
  BAR: {
    fr: {
      heads: ['Café', 'Bar', 'Brasserie', 'Bistrot', 'Estaminet'],
      tails: ['des Arts', 'du Marché', 'de la Gare', 'Théâtre', 'du Port', 'de l\'Hôtel de Ville', 'Saint-Éloi', 'des Écoles', 'de la Poste', 'Côté Cour', 'du Châtelet', 'de l\'Opéra'],
      about: ['{name}, le café de quartier de {city} : terrasse ensoleillée, bières pression et café torréfié sur place.', 'Un bar chaleureux au cœur de {city}, où l\'on refait le monde autour d\'un verre.'],
      offers: [
        { title: 'Happy hour chez {name}', description: '{discount} sur les pintes et les cocktails, du lundi au vendredi de 17 h à 20 h.', schedule: 'afterwork' },
        { title: 'Café gourmand : {discount}', description: 'Un café et trois mignardises maison, à déguster en terrasse chez {name}.' },
        { title: 'Apéro planche : {discount}', description: 'Planche de charcuterie et fromages affinés à partager, {discount} pour deux verres commandés.' },
        { title: 'Soirée quiz au café', description: 'Tous les jeudis, quiz en équipes chez {name} ; {discount} sur la première tournée.', schedule: 'late' },
        { title: 'Thé ou chocolat chaud : {discount}', description: 'Pour se réchauffer après le marché de {city}, boissons chaudes à {discount}.' },
      ],
    },
    en: {
      heads: ['The Red Lion', 'The Old Bell', 'Corner Café', 'The Library Bar', 'Harbour Café', 'The Crown'],
      tails: ['& Anchor', 'Tavern', 'Taproom', 'Lounge', 'Bar & Kitchen', 'House'],
      about: ['{name}: real ales, good coffee and a beer garden in the heart of {city}.', 'A friendly local café-bar in {city}, open late with live music on Fridays.'],
      offers: [
        { title: 'Happy hour at {name}', description: '{discount} on pints and cocktails, Monday to Friday from 5 pm to 8 pm.', schedule: 'afterwork' },
        { title: 'Flat white and pastry: {discount}', description: 'Our house espresso café blend with a fresh croissant, served all morning.' },
        { title: 'Pub quiz night', description: 'Teams of up to six, prizes every round, and {discount} on your first round of drinks.', schedule: 'late' },
        { title: 'Cocktail masterclass: {discount}', description: 'Learn three classic cocktails with our bartenders at {name}.' },
        { title: 'Sunday roast & a pint', description: 'The best roast in {city}, with a pint for {discount}.', schedule: 'brunch' },
      ],
    },
  },
  RESTAURANT: {
    fr: {
      heads: ['Crêperie', 'Le Petit Bouchon', 'La Table', 'Chez', 'Pizzeria', 'Bistrot'],
      tails: ['d\'Élise', 'Mémé', 'Côté Jardin', 'Bella Vita', 'du Marché', 'des Délices', 'Gourmand', 'Saint-Germain', 'de l\'Écluse', 'Ker Ys'],
      about: ['{name} : une cuisine de saison, des produits locaux et une carte qui change chaque semaine à {city}.', 'Galettes, crêpes et cidre fermier dans une salle pleine de charme à {city}.'],
      offers: [
        { title: 'Crêpes à volonté', description: 'Crêpes sucrées et galettes complètes à volonté chez {name} : {discount} sur le forfait.' },
        { title: 'Menu du midi : {discount}', description: 'Entrée, plat et dessert du jour, servis en moins d\'une heure, du lundi au vendredi.', schedule: 'lunch' },
        { title: 'Brunch du dimanche', description: 'Viennoiseries, œufs brouillés, pancakes et jus pressés : {discount} sur le brunch.', schedule: 'brunch' },
        { title: 'Dîner en amoureux : {discount}', description: 'Menu dégustation en cinq services, coupe de champagne offerte, à {city}.' },
        { title: 'Pizza napolitaine : {discount}', description: 'Pâte maturée 48 h, mozzarella di bufala et four à bois, chez {name}.' },
      ],
    },
    en: {
      heads: ['The Rustic', 'Harbour', 'Bella', 'The Green', 'Spice', 'The Golden'],
      tails: ['Kitchen', 'Fish & Chips', 'Napoli', 'Fork', 'Route', 'Dragon', 'Grill', 'Bistro'],
      about: ['{name}: seasonal British cooking with produce from farms around {city}.', 'Family-run since 1987, the best curry house in {city}.'],
      offers: [
        { title: 'Lunch menu: {discount}', description: 'Two courses and a soft drink, served Monday to Friday in under an hour.', schedule: 'lunch' },
        { title: 'Bottomless brunch', description: 'Eggs Benedict, pancakes and free-flowing coffee, {discount} at {name}.', schedule: 'brunch' },
        { title: 'Tasting menu: {discount}', description: 'Six courses from our chef, with a glass of English sparkling wine.' },
        { title: 'Fish & chips Friday: {discount}', description: 'Fresh haddock, chunky chips and mushy peas, the {city} classic.' },
        { title: 'Crêpes & coffee: {discount}', description: 'Sweet crêpes and a café au lait, all afternoon at {name}.' },
      ],
    },
  },
  CLUB: {
    fr: {
      heads: ['Club', 'Le Sous-Sol', 'La Nuit', 'L\'Étoile', 'Le Loft'],
      tails: ['Néon', 'Blanche', 'Noire', 'Électro', 'des Quais', 'Éphémère'],
      about: ['{name}, le club électro de {city} : deux salles, sound system façon Berlin et DJ résidents.', 'Soirées house et disco jusqu\'à l\'aube, à deux pas du centre de {city}.'],
      offers: [
        { title: 'Entrée gratuite avant minuit', description: 'Du jeudi au samedi, entrée offerte avant minuit puis {discount} sur le vestiaire.', schedule: 'late' },
        { title: 'Soirée étudiante : {discount}', description: 'Sur présentation de la carte étudiante, {discount} sur l\'entrée chez {name}.', schedule: 'late' },
        { title: 'Bouteille pour quatre : {discount}', description: 'Table réservée et bouteille à partager, à {city}.' },
      ],
    },
    en: {
      heads: ['Warehouse', 'Neon', 'The Vault', 'Velvet', 'Basement'],
      tails: ['Club', 'Nights', 'Room', 'Social', '45'],
      about: ['{name}: house, techno and disco until 4 am, in a former warehouse of {city}.', 'Three floors of music and the biggest dance floor in {city}.'],
      offers: [
        { title: 'Free entry before midnight', description: 'Thursday to Saturday: in free before midnight, then {discount} on entry.', schedule: 'late' },
        { title: 'Student night: {discount}', description: 'Show your student card for {discount} on the door at {name}.', schedule: 'late' },
        { title: 'VIP booth: {discount}', description: 'A booth for six with a bottle, every weekend in {city}.' },
      ],
    },
  },
  CINEMA: {
    fr: {
      heads: ['Cinéma', 'Ciné', 'Le Grand Écran', 'Studio'],
      tails: ['Le Méliès', 'Lumière', 'Le Cosmos', 'des Variétés', 'Étoile', 'Rex'],
      about: ['{name}, cinéma art et essai de {city} : versions originales, avant-premières et rencontres.', 'Cinq salles, son Dolby Atmos et fauteuils inclinables au centre de {city}.'],
      offers: [
        { title: 'Séance de l\'après-midi : {discount}', description: 'Toutes les séances avant 17 h en semaine, {discount} sur la place.', schedule: 'weekday-daytime' },
        { title: 'Mardi ciné : {discount}', description: 'Le mardi, toutes les séances à {discount} chez {name}.', schedule: 'tuesday' },
        { title: 'Ciné-débat et popcorn', description: 'Projection suivie d\'un débat avec l\'équipe du film, {discount} sur l\'entrée.' },
      ],
    },
    en: {
      heads: ['Northern Lights', 'The Regal', 'Starlight', 'The Electric', 'Odyssey'],
      tails: ['Cinema', 'Screens', 'Picture House', 'Film Club'],
      about: ['{name}: independent cinema in {city}, with a café-bar and a Friday film club.', 'Six screens, reclining seats and the latest releases in {city}.'],
      offers: [
        { title: 'Afternoon matinée: {discount}', description: 'Every screening before 5 pm on weekdays, {discount} per ticket.', schedule: 'weekday-daytime' },
        { title: 'Tuesday tickets: {discount}', description: 'All day Tuesday, {discount} on every film at {name}.', schedule: 'tuesday' },
        { title: 'Film & dinner: {discount}', description: 'A ticket and a two-course dinner at our café.' },
      ],
    },
  },
  SPORT: {
    fr: {
      heads: ['Salle d\'escalade', 'Club de tennis', 'Piscine', 'Gym', 'Centre équestre'],
      tails: ['Vertigo', 'des Érables', 'Olympique', 'Énergie', 'du Lac', 'Évasion'],
      about: ['{name} : moniteurs diplômés, cours pour tous les niveaux et matériel fourni, à {city}.', 'Un espace sportif ouvert 7 j/7 à {city}, pour se dépenser avant ou après le travail.'],
      offers: [
        { title: 'Séance découverte : {discount}', description: 'Première séance encadrée avec location de matériel incluse, {discount}.' },
        { title: 'Cours collectif du midi', description: 'Cours de 45 minutes à l\'heure du déjeuner, {discount} sur la carte de dix.', schedule: 'lunch' },
        { title: 'Pass été : {discount}', description: 'Accès illimité tout l\'été chez {name}.' },
      ],
    },
    en: {
      heads: ['Peak', 'Riverside', 'FitHub', 'Aqua', 'Summit'],
      tails: ['Climbing Centre', 'Tennis Club', 'Gym', 'Leisure Centre', 'Yoga Studio'],
      about: ['{name}: coached sessions for every level and kit included, in {city}.', 'Open seven days a week in {city}: classes, pool and sauna.'],
      offers: [
        { title: 'Taster session: {discount}', description: 'Your first coached session with kit hire, {discount}.' },
        { title: 'Lunchtime class', description: 'A 45-minute class over lunch, {discount} on a ten-class pass.', schedule: 'lunch' },
        { title: 'Summer pass: {discount}', description: 'Unlimited visits all summer at {name}.' },
      ],
    },
  },
  LEISURE: {
    fr: {
      heads: ['Escape game', 'Karting', 'Parc aventure', 'Atelier', 'Bowling'],
      tails: ['Énigma', 'des Pins', 'Forêt Enchantée', 'Céramique', 'Strike', 'du Château'],
      about: ['{name} : une heure pour s\'évader, en famille ou entre collègues, à {city}.', 'Activités pour petits et grands à {city}, sur réservation.'],
      offers: [
        { title: 'Partie entre amis : {discount}', description: 'Jusqu\'à six joueurs, {discount} sur la réservation chez {name}.' },
        { title: 'Atelier poterie du week-end', description: 'Deux heures de tour et d\'émaillage, {discount} sur l\'atelier.' },
        { title: 'Anniversaire : {discount}', description: 'Formule anniversaire avec goûter, à {city}.' },
      ],
    },
    en: {
      heads: ['Escape Room', 'Mini Golf', 'Pottery', 'Axe Throwing', 'Bowling'],
      tails: ['Mystery', 'Paradise', 'Studio', 'Arena', 'Lanes'],
      about: ['{name}: sixty minutes to escape, with friends or colleagues, in {city}.', 'Fun for all ages in {city}; booking recommended.'],
      offers: [
        { title: 'Group booking: {discount}', description: 'Up to six players, {discount} on your booking at {name}.' },
        { title: 'Weekend pottery workshop', description: 'Two hours at the wheel with glazing included, {discount}.' },
        { title: 'Birthday party: {discount}', description: 'Party package with cake and drinks, in {city}.' },
      ],
    },
  },
  EVENT: {
    fr: {
      heads: ['Festival', 'Les Nuits', 'Marché', 'Salon'],
      tails: ['Été Indien', 'Étoilées', 'de Noël', 'du Vin', 'des Saveurs', 'Jazz à Cœur'],
      about: ['{name} : concerts, food-trucks et artisans, chaque année à {city}.', 'Le rendez-vous culturel de {city}, en plein air.'],
      offers: [
        { title: 'Pass deux jours : {discount}', description: 'Accès à tous les concerts du week-end de {name}.' },
        { title: 'Dégustation commentée', description: 'Six vins de producteurs locaux, {discount} sur la dégustation.' },
        { title: 'Concert en plein air : {discount}', description: 'Places assises et verre de bienvenue, à {city}.' },
      ],
    },
    en: {
      heads: ['Summer Jazz', 'Food Truck', 'Comedy Night', 'Winter'],
      tails: ['Festival', 'Friday', 'Live', 'Market', 'Weekender'],
      about: ['{name}: live music, street food and local makers, every year in {city}.', 'The open-air event of the season in {city}.'],
      offers: [
        { title: 'Weekend pass: {discount}', description: 'Every show of the weekend at {name}.' },
        { title: 'Guided tasting', description: 'Six wines from local growers, {discount} on the tasting.' },
        { title: 'Open-air concert: {discount}', description: 'Reserved seats and a welcome drink, in {city}.' },
      ],
    },
  },
  OTHER: {
    fr: {
      heads: ['Librairie', 'Spa', 'Institut', 'Boulangerie', 'Fromagerie'],
      tails: ['Le Marque-Page', 'Zénitude', 'Éclat', 'Pâtisserie Dorée', 'des Alpages', 'Sérénité'],
      about: ['{name} : une adresse de {city} où l\'on prend le temps.', 'Conseils personnalisés et produits choisis avec soin, à {city}.'],
      offers: [
        { title: 'Massage relaxant : {discount}', description: 'Soixante minutes de détente chez {name}, thé offert.' },
        { title: 'Atelier pâtisserie : {discount}', description: 'Éclairs, choux et crème pâtissière avec notre chef.' },
        { title: 'Club de lecture', description: 'Rencontre mensuelle autour d\'un roman, {discount} sur le livre du mois.' },
      ],
    },
    en: {
      heads: ['Bookshop', 'Serenity', 'Barber', 'The Bakehouse', 'Cheese'],
      tails: ['on the Corner', 'Spa', '& Co', 'Studio', 'Cellar'],
      about: ['{name}: an address in {city} where time slows down.', 'Friendly advice and carefully chosen products, in {city}.'],
      offers: [
        { title: 'Relaxing massage: {discount}', description: 'Sixty minutes of calm at {name}, with herbal tea.' },
        { title: 'Baking class: {discount}', description: 'Éclairs, choux buns and crème pâtissière with our pastry chef.' },
        { title: 'Book club evening', description: 'A monthly meet-up around a novel, {discount} on the book of the month.' },
      ],
    },
  },
};

/**
 * Qualifiers added to a title when an establishment has more offers than its category has ideas,
 * so that two offers of one place never read the same.
 */
export const VARIANTS: Record<Lang, string[]> = {
  fr: ['le week-end', 'en semaine', 'spécial étudiants', 'formule duo', 'offre de saison', 'dernière minute', 'pour les fidèles'],
  en: ['weekends', 'weekdays', 'students', 'for two', 'seasonal offer', 'last minute', 'regulars'],
};

/** Conditions an offer may carry. */
export const CONDITIONS: Record<Lang, string[]> = {
  fr: ['Sur présentation de l\'application', 'Non cumulable avec d\'autres offres', 'Réservation conseillée', 'Valable sur place uniquement', 'Dans la limite des places disponibles', 'Pièce d\'identité demandée'],
  en: ['Show the app on arrival', 'Cannot be combined with other offers', 'Booking recommended', 'Dine-in only', 'Subject to availability', 'ID required'],
};

/** A sentence added to the description of an offer with a quota. */
export const QUOTA_NOTE: Record<Lang, string> = { fr: 'Offre limitée à {n} places.', en: 'Limited to {n} places.' };

/** Street names of addresses. */
export const STREETS: Record<Lang, string[]> = {
  fr: ['rue de la République', 'avenue Victor-Hugo', 'place du Marché', 'boulevard Saint-Michel', 'rue des Écoles', 'quai de la Tournelle', 'rue du Général-Leclerc', 'allée des Peupliers', 'rue Émile-Zola', 'place de l\'Église'],
  en: ['High Street', 'Station Road', 'Church Lane', 'King Street', 'Market Square', 'Victoria Road', 'Mill Lane', 'Queen\'s Parade', 'Park Avenue', 'Bridge Street'],
};

/** Currency of fixed discounts by country (ISO 3166-1 alpha-2); euro otherwise. */
export const CURRENCY: Record<string, string> = { GB: '£', CA: '$', US: '$', AU: '$', CH: 'CHF' };

/** Country calling codes (ITU-T E.164) of the demo's default countries; other countries get no phone. */
export const CALLING_CODES: Record<string, string> = { FR: '33', BE: '32', CH: '41', LU: '352', MC: '377', GB: '44', IE: '353', CA: '1', US: '1' };

/** French-speaking countries (Quebec too: Canadian admin code 10); English elsewhere. */
export function languageOf(country: string, adminCode: string): Lang {
  return ['FR', 'BE', 'CH', 'LU', 'MC'].includes(country) || (country === 'CA' && adminCode === '10') ? 'fr' : 'en';
}

/** Replaces each `{key}` of `template` by `values[key]`. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

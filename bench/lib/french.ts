/**
 * The words of the benchmark's mails: names, schools and communes of the académie, and what
 * directors actually write to the LSUN desk. Fictional people; real place names, so that
 * subjects, bodies and signatures carry the accents, apostrophes and dashes real mail does.
 */
import type { Random } from './random.ts';

export const FIRST_NAMES = [
  'Camille',
  'Béatrice',
  'Éric',
  'Hélène',
  'Jérôme',
  'Noémie',
  'François',
  'Loïc',
  'Maëlle',
  'Gaëlle',
  'Célia',
  'Amélie',
  'Stéphane',
  'Sébastien',
  'Régis',
  'Agnès',
  'Mélanie',
  'Frédéric',
  'Thérèse',
  'Cécile',
  'Benoît',
  'Anaïs',
  'Clément',
  'Léa',
  'Zoé',
  'Raphaël',
  'Joël',
  'Inès',
  'Héloïse',
  'Valérie',
  'Nathalie',
  'Isabelle',
  'Sylvie',
  'Christophe',
  'Laurent',
  'Pascal',
  'Sandrine',
  'Karine',
  'Delphine',
  'Olivier',
  'Thierry',
  'Patrick',
  'Martine',
  'Brigitte',
  'Aurélie',
  'Émilie',
  'Élodie',
  'Jérémy',
  'Grégory',
  'Ludovic',
  'Virginie',
  'Marie-Hélène',
  'Jean-Pierre',
  'Anne-Sophie',
  'Céline',
  'Julien',
  'Mathilde',
  'Pierre',
  'Claire',
  'Hugo',
  'Manon',
  'Solène',
  'Gaël',
  'Yannick',
] as const;

export const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Legrand',
  'Garnier',
  'Faure',
  'Rousseau',
  'Blanc',
  'Guérin',
  'Muller',
  'Henry',
  'Roussel',
  'Nicolas',
  'Perrin',
  'Morin',
  'Mathieu',
  'Clément',
  'Gauthier',
  'Dumont',
  'Fontaine',
  'Chevalier',
  'Robin',
  'Masson',
  'Gérard',
  'Nguyen',
  'Boyer',
  'Denis',
  'Lemaire',
  'Duval',
  'Joly',
  'Roche',
  'Roy',
  'Noël',
  'Meyer',
  'Lucas',
  'Meunier',
  'Pérez',
  'Marchand',
  'Dufour',
  'Blanchard',
  'Barbier',
  'Brun',
  'Dumas',
  'Brunet',
  'Schmitt',
  'Colin',
  'Renard',
  'Arnaud',
  'Caron',
  'Aubert',
  'Giraud',
  'Leclerc',
  'Vidal',
  'Bourgeois',
  'Renaud',
  'Lemoine',
  'Picard',
  'Gaillard',
  'Lacroix',
  'Fabre',
  'Dupuis',
  'Hubert',
  'Rivière',
  'Le Gall',
  'Moulin',
  'Berger',
  'Ménard',
  'Fleury',
  'Deschamps',
  'Prévost',
  'Poirier',
  'Carré',
  'Rémy',
  'Perrot',
  'Guyot',
  'Cousin',
  "D'Almeida",
  'Bérard',
  'Jacquot',
] as const;

/** Communes by département, each with the circonscription its schools belong to. */
export const COMMUNES: Record<'21' | '58' | '71' | '89', ReadonlyArray<readonly [string, string]>> = {
  '21': [
    ['Dijon', 'Dijon Centre'],
    ['Chenôve', 'Dijon Sud'],
    ['Talant', 'Dijon Nord'],
    ['Quetigny', 'Dijon Est'],
    ['Longvic', 'Dijon Sud'],
    ['Chevigny-Saint-Sauveur', 'Dijon Est'],
    ['Auxonne', 'Dijon Est'],
    ['Beaune', 'Beaune'],
    ['Nuits-Saint-Georges', 'Beaune'],
    ['Seurre', 'Beaune'],
    ['Montbard', 'Montbard'],
    ['Semur-en-Auxois', 'Montbard'],
    ['Châtillon-sur-Seine', 'Châtillon-sur-Seine'],
    ['Is-sur-Tille', 'Is-sur-Tille'],
    ['Genlis', 'Dijon Est'],
    ['Fontaine-lès-Dijon', 'Dijon Nord'],
    ['Saint-Apollinaire', 'Dijon Est'],
    ['Marsannay-la-Côte', 'Dijon Sud'],
    ['Arnay-le-Duc', 'Montbard'],
    ['Vitteaux', 'Montbard'],
  ],
  '58': [
    ['Nevers', 'Nevers Centre'],
    ['Varennes-Vauzelles', 'Nevers Centre'],
    ['Fourchambault', 'Nevers Nord'],
    ['Cosne-Cours-sur-Loire', 'Cosne-Cours-sur-Loire'],
    ['La Charité-sur-Loire', 'Nevers Nord'],
    ['Decize', 'Decize'],
    ['Imphy', 'Decize'],
    ['Clamecy', 'Clamecy'],
    ['Corbigny', 'Clamecy'],
    ['Château-Chinon', 'Château-Chinon'],
    ['Luzy', 'Château-Chinon'],
    ['Saint-Pierre-le-Moûtier', 'Decize'],
  ],
  '71': [
    ['Chalon-sur-Saône', 'Chalon Nord'],
    ['Saint-Marcel', 'Chalon Sud'],
    ['Chagny', 'Chalon Nord'],
    ['Mâcon', 'Mâcon Nord'],
    ['Charnay-lès-Mâcon', 'Mâcon Sud'],
    ['Cluny', 'Mâcon Sud'],
    ['Tournus', 'Mâcon Nord'],
    ['Le Creusot', 'Le Creusot'],
    ['Montchanin', 'Le Creusot'],
    ['Montceau-les-Mines', 'Montceau-les-Mines'],
    ['Autun', 'Autun'],
    ['Paray-le-Monial', 'Paray-le-Monial'],
    ['Digoin', 'Paray-le-Monial'],
    ['Gueugnon', 'Paray-le-Monial'],
    ['Bourbon-Lancy', 'Paray-le-Monial'],
    ['Louhans', 'Louhans'],
  ],
  '89': [
    ['Auxerre', 'Auxerre 1'],
    ['Monéteau', 'Auxerre 1'],
    ['Appoigny', 'Auxerre 2'],
    ['Chablis', 'Auxerre 2'],
    ['Sens', 'Sens Nord'],
    ['Pont-sur-Yonne', 'Sens Nord'],
    ['Villeneuve-sur-Yonne', 'Sens Sud'],
    ['Joigny', 'Joigny'],
    ['Migennes', 'Joigny'],
    ['Saint-Florentin', 'Saint-Florentin'],
    ['Tonnerre', 'Tonnerre'],
    ['Avallon', 'Avallon'],
    ['Toucy', 'Puisaye'],
    ['Saint-Fargeau', 'Puisaye'],
  ],
};

const SCHOOL_KINDS = ['École élémentaire', 'École maternelle', 'École primaire', 'Groupe scolaire'] as const;
const SCHOOL_NAMES = [
  'Jules Ferry',
  'Jean Jaurès',
  'Victor Hugo',
  'Jean Moulin',
  'Louis Pasteur',
  'Jacques Prévert',
  'Les Tilleuls',
  'Les Vignes',
  'Anatole France',
  'Marie Curie',
  'Paul Bert',
  'Jean Macé',
  'Condorcet',
  'Les Marronniers',
  'Le Petit Prince',
  'Saint-Exupéry',
  'Charles Perrault',
  'La Fontaine',
  'Les Lilas',
  'Champollion',
  'Colette',
  'Françoise Dolto',
  'Les Érables',
  'Les Châtaigniers',
  'Lamartine',
  'Gustave Eiffel',
  'Simone Veil',
  'Les Coquelicots',
  'La Source',
  'Claude Debussy',
  'Pierre Larousse',
  'Lucie Aubrac',
  "L'Orée du Bois",
  'Les Grésilles',
  'Joséphine Baker',
  'Henri Wallon',
] as const;

/** A school name as the directory exports write it. */
export function schoolName(random: Random): string {
  return `${random.pick(SCHOOL_KINDS)} ${random.pick(SCHOOL_NAMES)}`;
}

/** The local part of an academic address: `prénom.nom`, lower case, accents and spaces removed. */
export function addressLocalPart(firstName: string, lastName: string): string {
  const fold = (text: string) =>
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/['\s]+/g, '-')
      .replace(/[^a-z0-9-]/g, '');
  return `${fold(firstName)}.${fold(lastName)}`;
}

const CLASSES = ['CP', 'CE1', 'CE2', 'CM1', 'CM2', 'CE1-CE2', 'CM1-CM2', 'CP-CE1'] as const;
const PERIODS = [
  '1er trimestre',
  '2e trimestre',
  '3e trimestre',
  '1er semestre',
  '2nd semestre',
  'période 2',
];

const KEYWORD_SUBJECTS: Array<(r: Random) => string> = [
  (r) => `LSUN : impossible de valider les bilans périodiques (${r.pick(CLASSES)})`,
  (r) => `Problème LSUN – export des livrets de ${r.pick(CLASSES)}`,
  () => '[LSUN] Élève introuvable après son arrivée en cours d’année',
  () => 'LSUN : erreur « accès refusé » à la connexion',
  () => 'LSUN - les compétences du socle ne s’affichent pas',
  (r) => `Demande d’aide LSUN : édition des bulletins du ${r.pick(PERIODS)}`,
  () => 'LSUN: changement de direction, droits d’accès à transférer',
  () => 'LSUN : bilan de fin de cycle 2 non accessible',
  () => 'Question LSUN sur les appréciations générales trop longues',
  () => 'LSUN — problème d’impression des livrets en PDF',
  () => 'Lsun : synchronisation ONDE → LSU échouée',
  () => 'LSUN : une enseignante n’a pas accès à sa classe',
  () => 'TR: LSUN – message d’erreur à l’ouverture du livret',
  () => 'LSUN urgent : réunion parents-professeurs jeudi, livrets vides',
  (r) => `LSUN : élèves de ${r.pick(CLASSES)} affectés à la mauvaise classe`,
  () => 'Livret scolaire (LSUN) : signature du directeur impossible',
  () => 'LSUN : les éléments de programme ont disparu après mise à jour',
  () => 'LSUN – doublon d’élève dans la classe',
  () => 'Assistance LSUN : mot de passe ARENA expiré ?',
  () => 'LSUN : comment saisir une absence de bilan pour un élève allophone ?',
];

const NO_KEYWORD_SUBJECTS = [
  'Problème de connexion aux bulletins',
  'Question sur l’édition des livrets scolaires',
  'Accès ARENA impossible depuis ce matin',
  'Bulletins du 1er trimestre : page blanche',
  'Demande d’aide urgente – livrets de CM2',
  'Livret scolaire : élève en double',
  'Impossible d’imprimer les bilans de fin de cycle',
  'Aide pour les appréciations',
] as const;

/** A subject with the keyword, as directors write them (accents, dashes, guillemets, prefixes). */
export function requestSubject(random: Random): string {
  return random.pick(KEYWORD_SUBJECTS)(random);
}

/** A subject about the same troubles, without the keyword. */
export function noKeywordSubject(random: Random): string {
  return random.pick(NO_KEYWORD_SUBJECTS);
}

const OPENINGS = [
  'Bonjour,',
  'Bonjour Madame, Monsieur,',
  'Madame, Monsieur,',
  'Bonjour à l’équipe d’assistance,',
];
const PROBLEMS = [
  'Depuis ce matin, lorsque j’essaie de valider les bilans périodiques, j’obtiens le message « Une erreur technique est survenue ». J’ai vidé le cache du navigateur et essayé avec Firefox et Edge, sans succès.',
  'Un élève arrivé de l’académie de Besançon en novembre n’apparaît pas dans la classe, alors qu’il est bien admis définitivement dans ONDE. Ses parents attendent son livret pour la fin de la période.',
  'Ma collègue de CE2 ne voit plus sa classe dans LSU : elle avait pourtant saisi toutes ses appréciations la semaine dernière. Je crains qu’elles soient perdues.',
  'L’export PDF des livrets s’arrête à 60 % puis le navigateur affiche une page blanche. Cela concerne toutes les classes de l’école.',
  'Je viens de prendre la direction de l’école à la rentrée et je n’ai toujours pas le profil directeur dans ARENA ; je ne peux donc pas ouvrir la campagne de saisie.',
  'Les éléments de programme que nous avions saisis pour le 1er trimestre ont disparu après la mise à jour de lundi. Les enseignants doivent-ils tout ressaisir ?',
  'Lors de la signature des livrets, le bouton « Valider » reste grisé, même après avoir complété toutes les rubriques obligatoires.',
  'Deux élèves portent le même nom et le même prénom ; LSU a fusionné leurs bilans. Comment les séparer sans perdre les saisies ?',
];
const DETAILS = [
  'Vous trouverez ci-joint une capture d’écran du message d’erreur.',
  'Le problème se produit sur les trois postes de l’école (Windows 10, navigateur à jour).',
  'Nous avons une réunion avec les familles jeudi prochain : une réponse rapide nous aiderait beaucoup.',
  'L’identifiant concerné est celui de l’enseignante de CM1 ; je peux vous transmettre son numéro de poste.',
  'J’ai déjà consulté la FAQ du site académique, sans trouver de réponse à ce cas précis.',
  'Le même incident s’était produit l’an dernier et avait été résolu par une réinitialisation des droits.',
];
const CLOSINGS = [
  'Merci par avance pour votre aide.',
  'Bien cordialement,',
  'Cordialement,',
  'Avec mes remerciements,',
];

/** The body of a request: greeting, the problem, a detail or two, the director's signature. */
export function requestBody(
  random: Random,
  signer: {
    firstName: string;
    lastName: string;
    school: string;
    commune: string;
    uai: string;
    civility: string;
  },
): string {
  const role = signer.civility === 'Mme' ? 'Directrice' : 'Directeur';
  const phone = `03 ${random.int(80, 86)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)}`;
  const details = random.shuffle(DETAILS).slice(0, random.int(1, 2));
  return [
    random.pick(OPENINGS),
    '',
    random.pick(PROBLEMS),
    '',
    details.join(' '),
    '',
    random.pick(CLOSINGS),
    '',
    `${signer.firstName} ${signer.lastName}`,
    `${role} – ${signer.school}`,
    `${signer.commune} (UAI ${signer.uai})`,
    `Tél. ${phone}`,
  ].join('\n');
}

const FOLLOW_UP_TEXTS = [
  'Bonjour,\n\nJe vous remercie pour votre retour. J’ai essayé la manipulation indiquée mais le message d’erreur persiste. Je joins une nouvelle capture.\n\nCordialement,',
  'Bonjour,\n\nJe complète ma demande : le problème touche aussi la classe de CM2 depuis hier soir.\n\nBien cordialement,',
  'Bonjour,\n\nC’est réglé de notre côté après la mise à jour de ce matin, vous pouvez clore la demande. Merci !\n\nCordialement,',
  'Bonjour,\n\nAvez-vous pu avancer sur ce dossier ? Les familles commencent à s’impatienter.\n\nMerci,',
];

/** The text of a director's reply on their ticket (the quoted acknowledgment is appended by the caller). */
export function followUpText(random: Random): string {
  return random.pick(FOLLOW_UP_TEXTS);
}

const OUT_OF_OFFICE = [
  'Bonjour,\n\nJe suis absente jusqu’au lundi 7 décembre inclus. Pour toute urgence, merci de contacter l’école au 03 80 00 00 00.\n\nCordialement,',
  'Bonjour,\n\nJe suis en formation et ne consulte pas ma messagerie. Je vous répondrai dès mon retour.\n\nBien à vous,',
];

/** The body of an out-of-office reply. */
export function outOfOfficeText(random: Random): string {
  return random.pick(OUT_OF_OFFICE);
}

/** A simple HTML rendering of a text body, as webmails send next to the text part. */
export function htmlOf(text: string): string {
  const escapeHtml = (line: string) =>
    line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paragraphs = text
    .split('\n\n')
    .map((block) => `<p>${block.split('\n').map(escapeHtml).join('<br>')}</p>`);
  return `<html><head><meta charset="utf-8"></head><body style="font-family: Calibri, sans-serif">${paragraphs.join('')}</body></html>`;
}

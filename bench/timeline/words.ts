/**
 * Vocabulary of the generated community: school and public librarians, teachers and
 * educators talking shop. Lists are in popularity order: the generator draws from them with
 * Zipf weights, so the first entries are everywhere and the last ones are rare.
 */

/** Content words, most used first (a few hundred, so search meets common and rare words). */
export const WORDS = `
students library reading books teachers today class learning school week new great
kids love story read year time library's book readers lesson share ideas thanks research
community help media literacy collection writing team working first library-media digital
display project program first-graders families project-based librarian librarians sharing
classroom fiction nonfiction graphic novels picture summer tech tools resources space
makerspace coding databases curriculum standards inquiry info skills district shelf shelves
author authors visit poetry week's workshop conference session slides feedback favorite
questions questions' guide lessons unit teaching grade grades middle high elementary
science history math art music spanish english social studies citation citations sources
evaluate evaluating news misinformation bias search engines search-engine google catalog
circulation checkout checkouts overdue fines fine-free budget grant grants funding board
policy challenge challenges challenged banned censorship freedom intellectual privacy
data screen screens devices chromebooks tablets laptops wifi hotspot hotspots podcast
podcasts video videos audiobooks ebooks audiobook ebook comics manga series sequel
award awards medal caldecott newbery printz honor mock election voting civic engagement
volunteers parents caregivers storytime toddlers babies teens tweens adults seniors
outreach partnership partnerships collaboration colleague colleagues admin principal
superintendent schedule flexible fixed block period periods bell lunch recess break
spring fall winter holiday holidays celebration month heritage diverse diversity
inclusive inclusion equity access accessible accessibility dyslexia ell multilingual
translation languages bilingual vocabulary phonics fluency comprehension assessment
rubric rubrics portfolio portfolios exhibit exhibits escape room breakout game games
gaming chess lego robotics 3d printer printing laser cutter sewing crafts craft
bookmarks bookmark posters poster signage labels label spine genre genres weeding
weeded inventory processing cataloging metadata marc records vendor vendors ordering
orders shipment boxes donation donations sale friends foundation advocacy advocate
legislators testimony survey surveys statistics stats report annual reflection goals
professional development pd webinar webinars course courses certification degree
mentor mentoring mentee newbie retirement burnout wellness coffee snacks tea rainy sunny
`
  .trim()
  .split(/\s+/);

/** Rare words: each turns up in a few dozen posts out of a million. */
export const RARE_WORDS = [
  'incunabula',
  'palimpsest',
  'colophon',
  'marginalia',
  'bibliotherapy',
  'vellum',
  'quire',
  'rubrication',
  'xylography',
  'scriptorium',
];

/** Short glue words between content words (so texts read like sentences, and are common words too). */
export const GLUE = ['the', 'a', 'and', 'to', 'of', 'for', 'with', 'in', 'our', 'my', 'this', 'on', 'about', 'we', 'is', 'so', 'at'];

/** Hashtags, most used first. `genrefication` sits near the end on purpose: the rare tag. */
const HAND_TAGS = `
tlchat edtech macrosw booktok futurereadylibs aasl ala iste literacy reading edchat
schoollibrary librarytwitter kidlit yalit mglit weneeddiversebooks bannedbooks
freadom infolit medialiteracy digcit makered stem steam coding ukedchat ntchat
satchat sschat scichat mathchat engchat histchat artsed musiced elemchat mschat
hschat ellchat sped udl pblchat inquiry graphicnovels manga comics poetry
nationalpoetrymonth readacross dotday worldreadaloud hourofcode picturebooks
readaloud bookclub bookchat bookaday classroomlibrary bookfair authorvisit
storytime publiclibraries librarylife librarians libraryjobs librarydisplay
bookdisplay bulletinboard librarylove readersadvisory collectiondevelopment weeding
cataloging metadata opensource openaccess oer copyright fairuse privacy
intellectualfreedom censorship advocacy libraryadvocacy edleadership edadmin
teachertwitter teachersfollowteachers newteacher firstyearteacher teacherlife
teach pd edcamp conference aasl2025 ala2025 iste2025 tla txla cla
nycschoollib njasl masl casl oela ilachat mnlibraries wislibraries
chromebooks googleclassroom canva padlet flipgrid seesaw nearpod kahoot
blooket quizizz edpuzzle scratch microbit robotics legoeducation 3dprinting
escaperoom breakoutedu gamification gbl chess esports podcasting videoproduction
greenscreen digitalstorytelling writingworkshop writersworkshop nanowrimo
summerreading summerslide familyliteracy earlyliteracy phonics scienceofreading
dyslexia accessibility inclusion equity dei antiracism culturallyresponsive
hispanicheritagemonth blackhistorymonth womenshistorymonth aapiheritagemonth
pridemonth nativeamericanheritagemonth disabilityprideMonth mentalhealth
wellness selfcare burnout sel mindfulness growthmindset studentvoice
studentchoice geniushour passionprojects researchskills citations plagiarism
ai chatgpt aiineducation ailiteracy misinformation factchecking newsliteracy
civics elections mockelection votereducation citizenship
`
  .trim()
  .split(/\s+/);

const SUBJECTS = [
  'sci',
  'math',
  'eng',
  'hist',
  'art',
  'music',
  'lib',
  'read',
  'write',
  'code',
  'stem',
  'ell',
  'sped',
  'pe',
  'geo',
  'chem',
  'bio',
  'phys',
  'civ',
  'econ',
  'lang',
  'drama',
];
const SUFFIXES = ['teach', 'ed', 'lead'];
const RARE_TAGS = ['genrefication', 'deweyless', 'bibframe', 'incunabulachat'];

/** A few hundred hashtags, all lower-case letters and digits (so a tag's slug is the tag). */
export const TAGS: string[] = [
  ...new Set([...HAND_TAGS.map((t) => t.toLowerCase()), ...SUBJECTS.flatMap((s) => SUFFIXES.map((x) => s + x)), ...RARE_TAGS]),
];

export const POPULAR_TAG = 'tlchat';
export const RARE_TAG = 'genrefication';

export const FIRST_NAMES = `
ana ben carla dev elena farid grace hiro ines jamal kira liam maya noor omar priya quinn rosa sam tara
uma victor wen xavier yara zoe amir bella chen dana eli fatima gus hana ivan jo kai lena marco nia
oscar pia raj sofia theo uri vera will ximena yusuf zara
`
  .trim()
  .split(/\s+/);

export const LAST_NAMES = `
garcia smith nguyen okafor muller rossi tanaka kowalski haddad silva johnson lee patel brown kim
novak cohen ali martin lopez walker young hall allen wright scott green baker adams nelson hill
`
  .trim()
  .split(/\s+/);

export const PLACES = [
  'Austin',
  'Chicago',
  'Toronto',
  'Leeds',
  'Dublin',
  'Melbourne',
  'Portland',
  'Denver',
  'Atlanta',
  'Boston',
  'Halifax',
  'Auckland',
];

export const LINK_SITES = [
  'https://www.ala.org/news/',
  'https://www.slj.com/story/',
  'https://knowledgequest.aasl.org/',
  'https://www.edutopia.org/article/',
  'https://blog.example.org/',
];

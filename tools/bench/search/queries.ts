/**
 * What people type into a search box, drawn from the generator's vocabulary
 * (services/search/cmd/searchfill): one or two English words, a Chinese word or two, an emoji.
 */
import { type Random, randomIndex } from '../chat/rng.ts';

const english = ['meeting', 'lunch', 'report', 'deploy', 'coffee', 'weekend', 'project', 'release', 'travel', 'dinner'];
const chinese = ['今天', '会议', '项目', '报告', '火锅', '周末', '旅行', '电影', '朋友', '工作'];
const emoji = ['🎉', '🚀', '👍'];

export function queryText(random: Random): string {
  const pick = (words: string[]) => words[randomIndex(random, words.length)] ?? '';
  const kind = randomIndex(random, 10);
  if (kind < 3) return pick(english);
  if (kind < 5) return `${pick(english)} ${pick(english)}`;
  if (kind < 8) return pick(chinese);
  if (kind < 9) return `${pick(chinese)}${pick(chinese)}`;
  return pick(emoji);
}

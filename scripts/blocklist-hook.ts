import { Microservice } from '../lib';
import { ImagePin } from '../lib/kube/image-pin';
import { findBlock, readBlocklist } from '../lib/release/blocklist';

/** A `PromotionContext.refuse` that refuses tags on the repository's blocklist. */
export function refuseBlocked(rootDir: string): (service: Microservice, pin: ImagePin) => string | undefined {
  const blocklist = readBlocklist(rootDir);
  return (service, pin) => {
    const block = findBlock(blocklist, service.name, pin);
    return block
      ? `blocked on ${block.date} (${block.reason}); run npm run unblock -- ${block.service} ${block.tag} to allow it again`
      : undefined;
  };
}

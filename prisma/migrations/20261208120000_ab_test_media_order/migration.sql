-- "Keep treatment images" (issue #11): the product's media order before a completed test's treatment
-- order was applied, so "Restore original order" can put it back. Written by apply-winner.ts only.

-- CreateTable
CREATE TABLE "ABTestMediaOrder" (
    "testId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "previousMediaIds" TEXT[],
    "keptMediaIds" TEXT[],
    "keptAt" TIMESTAMP(3) NOT NULL,
    "restoredAt" TIMESTAMP(3),

    CONSTRAINT "ABTestMediaOrder_pkey" PRIMARY KEY ("testId")
);

-- CreateIndex
CREATE INDEX "ABTestMediaOrder_shopId_productId_idx" ON "ABTestMediaOrder"("shopId", "productId");

-- AddForeignKey
ALTER TABLE "ABTestMediaOrder" ADD CONSTRAINT "ABTestMediaOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestMediaOrder" ADD CONSTRAINT "ABTestMediaOrder_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
